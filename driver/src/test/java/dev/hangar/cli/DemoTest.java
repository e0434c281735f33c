package dev.hangar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.testing.Samples;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first quick-start command: starts the embedded default and a sandbox host,
 * replays through the host, stops what it started.
 */
class DemoTest {
  @Test
  void runsTheL2SandboxOnTheEmbeddedDefaultAndStopsEverything() {
    CliRunner r = CliRunner.run("demo", "--scenario",
        Samples.path("scenarios/l2-sandbox.json"));
    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).contains("libvirt       test:///default: driver TEST")
        .containsPattern("sandbox host  127\\.0\\.0\\.1:\\d+ \\(in-process, plaintext on"
            + " loopback, generated token\\)")
        .containsPattern("stopped sandbox host 127\\.0\\.0\\.1:\\d+")
        .contains("== L2 sandbox on KVM (15 steps)").containsPattern("total\\s+15")
        .containsPattern("\\[2/15\\] Deploy .* PASS").containsPattern("\\[3/15\\] Deploy .* PASS")
        .containsPattern("\\[8/15\\] GetVmDetails .* PASS")
        .containsPattern("\\[13/15\\] DeleteInstance .* PASS");
    Matcher m = Pattern.compile("stopped ovsdb-server pid (\\d+)").matcher(r.out());
    assertThat(m.find()).isTrue();
    long pid = Long.parseLong(m.group(1));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(r.out()).containsPattern("total\\s+15\\s+15\\s+0");
    CliRunner strict = CliRunner.run("demo", "--strict", "--scenario",
        Samples.path("scenarios/l2-sandbox.json"));
    assertThat(strict.code()).as(strict.out()).isEqualTo(Main.OK);
  }
}
