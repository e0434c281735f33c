package dev.hangar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hangar serve --reap-every/--reap-context}: bad usage is refused before serving. */
class ServeReapOptionsTest {
  private static final Map<String, String> ENV = Map.of("HANGAR_TOKEN",
      "0123456789abcdef0123456789abcdef");

  @Test
  void durationsReadAsAdminsWriteThem() {
    assertThat(ServeCommand.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ServeCommand.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ServeCommand.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(ServeCommand.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ServeCommand.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ServeCommand.parseDuration("soon")).isNull();
    assertThat(ServeCommand.parseDuration("15")).isNull();
  }

  @Test
  void badReapOptionsAreUsageErrors() {
    CliRunner bad = CliRunner.runWith(ENV, "serve", "--listen", "127.0.0.1:0",
        "--reap-every", "soon", "--reap-context", "samples/contexts/kvm-provider.json");
    assertThat(bad.code()).isEqualTo(Main.USAGE);
    assertThat(bad.err()).contains("--reap-every must be a duration of at least 1s");

    CliRunner alone = CliRunner.runWith(ENV, "serve", "--listen", "127.0.0.1:0",
        "--reap-every", "1h");
    assertThat(alone.code()).isEqualTo(Main.USAGE);
    assertThat(alone.err()).contains("--reap-every needs --reap-context");

    CliRunner missing = CliRunner.runWith(ENV, "serve", "--listen", "127.0.0.1:0",
        "--reap-every", "1h", "--reap-context", "/nonexistent/ctx.json");
    assertThat(missing.code()).isEqualTo(Main.USAGE);
  }
}
