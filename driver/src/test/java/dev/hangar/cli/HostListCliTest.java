package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.testing.InMemoryCloud;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar call/replay --target} with several hosts: two hosts on one cloud (the in-memory
 * cloud registered in both, as two processes share a real one) take a whole sandbox between
 * them, one stopped leaves the other every call, and a bad list is a usage error.
 */
class HostListCliTest {
  private static final String TOKEN = "cli-list-token-9e8d7c6b5a41";
  private static final Map<String, String> ENV = Map.of("HANGAR_TOKEN", TOKEN);
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private SandboxHost a;
  private SandboxHost b;

  @BeforeEach
  void start() throws Exception {
    a = host();
    b = host();
  }

  private SandboxHost host() throws Exception {
    return SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0),
        new BearerToken(TOKEN)), BackendRegistry.empty().register(kvm));
  }

  @AfterEach
  void stop() {
    a.shutdown(Duration.ZERO);
    b.shutdown(Duration.ZERO);
  }

  @Test
  void replayRunsASandboxOverTwoHosts() {
    CliRunner r = CliRunner.runWith(ENV, "replay", path("scenarios/l2-sandbox.json"),
        "--target", a.address() + "," + b.address());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).containsPattern("total\\s+15\\s+15\\s+0");
    assertThat(kvm.vms()).isEmpty();
  }

  @Test
  void aStoppedHostLeavesTheOtherEveryCall() {
    a.shutdown(Duration.ZERO);
    for (String target : new String[] {a.address() + "," + b.address(),
        "dns:///localhost:" + b.address().port()}) {
      CliRunner r = CliRunner.runWith(ENV, "call", "GetVmDetails", "--target", target,
          "--context", path("contexts/kvm-provider.json"), "--request",
          path("requests/get-vm-details-kvm.json"));
      assertThat(r.code()).as(target + ": " + r.err()).isEqualTo(Main.OK);
      assertThat(r.out()).startsWith("[{\"appName\":\"web\"");
    }
  }

  @Test
  void aBadListIsAUsageError() {
    for (String[] bad : new String[][] {{"127.0.0.1:1,,127.0.0.1:2", "'' is not HOST:PORT"},
        {"127.0.0.1:1,127.0.0.1:0", "needs a port other than 0"},
        {"http://127.0.0.1:1", "the only scheme taken is dns:///"},
        {"dns:///localhost", "'localhost' is not HOST:PORT"}}) {
      CliRunner r = CliRunner.runWith(ENV, "call", "GetVmDetails", "--target", bad[0],
          "--context", path("contexts/kvm-provider.json"), "--request",
          path("requests/get-vm-details-kvm.json"));
      assertThat(r.code()).as(bad[0]).isEqualTo(Main.USAGE);
      assertThat(r.err()).as(bad[0]).contains(bad[1]);
    }
  }
}
