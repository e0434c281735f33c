package dev.hangar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile request files through {@code hangar call}: a file that is not one JSON document is
 * unreadable input (exit 2, saying which file and where it broke); through a host a wrong token
 * or a request past gRPC's bound makes the command raise (exit 1, the status). Never a stack
 * trace or the token on stderr, nothing on stdout.
 */
class HostileCliTest {
  private static final String TOKEN = "cli-hostile-token-9f8e7d6c5b4a";

  private static String context() {
    return Samples.path("contexts/kvm-provider.json");
  }

  private static void assertRaisedCleanly(CliRunner r, String what) {
    assertThat(r.code()).as(what + ": " + r.err()).isEqualTo(Main.RAISED);
    assertThat(r.out()).as(what).isEmpty();
    assertThat(r.err()).as(what).contains("Deploy failed: ").doesNotContain("\tat ")
        .doesNotContain("Exception").doesNotContain(TOKEN);
  }

  @Test
  void unreadableRequestFilesMakeTheCommandRaiseWithTheReason(@TempDir Path dir)
      throws Exception {
    String sample = Files.readString(Samples.dir().resolve("requests/deploy-kvm-template.json"));
    Map<String, byte[]> files = Map.of(
        "truncated.json", sample.substring(0, sample.length() / 2).getBytes(StandardCharsets.UTF_8),
        "garbage.json", "\u0000\u0001{]]".getBytes(StandardCharsets.UTF_8),
        "latin1.json", "{\"driverRequest\":{\"actions\":[{\"type\":\"d\u00e9ploy".getBytes(
            StandardCharsets.ISO_8859_1),
        "two.json", (sample + sample).getBytes(StandardCharsets.UTF_8),
        "ten-mb.json", ("{\"driverRequest\":{\"actions\":[" + "[".repeat(10 * 1024 * 1024))
            .getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.write(file, f.getValue());
      CliRunner r = CliRunner.run("call", "Deploy", "--context", context(), "--request",
          file.toString());
      assertThat(r.code()).as(f.getKey() + ": " + r.err()).isEqualTo(Main.USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).as(f.getKey()).contains("request file " + file)
          .containsAnyOf("not valid JSON", "not UTF-8 text").doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  @Test
  void throughAHostAWrongTokenAndATenMegabyteRequestAreRefused(@TempDir Path dir)
      throws Exception {
    try (SandboxHost host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0),
        new BearerToken(TOKEN)), BackendRegistry.empty().register(InMemoryCloud.kvm()))) {
      Path big = dir.resolve("big.json");
      Files.writeString(big, "{\"driverRequest\":{\"actions\":[{\"type\":\"deployApp\","
          + "\"actionId\":\"a\",\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}]}}");
      String target = host.address().toString();
      for (List<Object> c : List.<List<Object>>of(
          List.of(TOKEN + "-wrong", Samples.path("requests/deploy-kvm-template.json"),
              "UNAUTHENTICATED: invalid bearer token"),
          List.of(TOKEN, big.toString(), "RESOURCE_EXHAUSTED"))) {
        CliRunner r = CliRunner.runWith(Map.of("HANGAR_TOKEN", (String) c.get(0)), "call",
            "Deploy", "--target", target, "--context", context(), "--request",
            (String) c.get(1));
        assertRaisedCleanly(r, (String) c.get(2));
        assertThat(r.err()).contains((String) c.get(2));
      }
    }
  }
}
