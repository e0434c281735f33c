package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.testing.InMemoryCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hangar call/replay --target} through a sandbox host, and {@code serve}'s usage errors. */
class HostCliTest {
  private static final String TOKEN = "cli-host-token-0a1b2c3d4e5f";
  private static final Map<String, String> ENV = Map.of("HANGAR_TOKEN", TOKEN);
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private SandboxHost host;
  private String target;

  @BeforeEach
  void start() throws Exception {
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0),
        new BearerToken(TOKEN)), BackendRegistry.empty().register(kvm));
    target = host.address().toString();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  @Test
  void callRunsTheCommandOnTheHostWithTheSameOutputAsInProcess() {
    CliRunner deploy = CliRunner.runWith(ENV, "call", "Deploy", "--target", target, "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"));
    assertThat(deploy.code()).as(deploy.err()).isEqualTo(Main.OK);
    assertThat(deploy.out()).startsWith("{\"driverResponse\":{\"actionResults\":[{\"type\":"
        + "\"DeployApp\",\"actionId\":\"a1b2c3d4-0001-4000-8000-000000000001\",\"success\":true");
    assertThat(deploy.err()).contains("deploying web")
        .contains("orchestrator: WriteMessageToReservationOutput");

    String uid = kvm.vms().keySet().iterator().next();
    CliRunner refresh = CliRunner.runWith(ENV, "call", "remote_refresh_ip", "--target", target,
        "--context", path("contexts/kvm-remote-web.json"), "--set", "webUuid=" + uid);
    assertThat(refresh.code()).as(refresh.err()).isEqualTo(Main.OK);
    assertThat(refresh.out()).isEmpty();
    assertThat(refresh.err()).contains("orchestrator: UpdateResourceAddress [web, 10.0.0.10]");

    CliRunner gone = CliRunner.runWith(ENV, "call", "PowerOn", "--target", target, "--context",
        path("contexts/kvm-remote-web.json"), "--set", "webUuid=no-such-vm");
    assertThat(gone.code()).isEqualTo(Main.RAISED);
    assertThat(gone.err()).contains("hangar call: PowerOn failed: INTERNAL: no VM no-such-vm");
  }

  @Test
  void remoteCommandsTakeTheirParametersWithParam() {
    CliRunner deploy = CliRunner.runWith(ENV, "call", "Deploy", "--target", target, "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"));
    assertThat(deploy.code()).as(deploy.err()).isEqualTo(Main.OK);
    String uid = kvm.vms().keySet().iterator().next();
    String[] cycle = {"call", "PowerCycle", "--target", target, "--context",
        path("contexts/kvm-remote-web.json"), "--set", "webUuid=" + uid};
    CliRunner ok = CliRunner.runWith(ENV, with(cycle, "--param", "delay=0"));
    assertThat(ok.code()).as(ok.err()).isEqualTo(Main.OK);
    assertThat(ok.out()).isEmpty();
    assertThat(kvm.log().subList(kvm.log().size() - 2, kvm.log().size()))
        .containsExactly("powerOff " + uid, "powerOn " + uid);
    CliRunner bad = CliRunner.runWith(ENV, with(cycle, "--param", "delay=soon"));
    assertThat(bad.code()).isEqualTo(Main.RAISED);
    assertThat(bad.err()).contains("hangar call: PowerCycle failed: INVALID_ARGUMENT: delay must"
        + " be a number of seconds from 0 to 3600, not 'soon'");
    CliRunner unknown = CliRunner.runWith(ENV, with(cycle, "--param", "colour=red"));
    assertThat(unknown.code()).isEqualTo(Main.USAGE);
    assertThat(unknown.err()).contains("hangar call: PowerCycle has no parameter 'colour'; its"
        + " parameters: delay");
    // InMemoryCloud has no snapshots: the host says so for the command and the Cloud Type.
    CliRunner none = CliRunner.runWith(ENV, "call", "remote_get_snapshots", "--target", target,
        "--context", path("contexts/kvm-remote-web.json"), "--set", "webUuid=" + uid);
    assertThat(none.code()).isEqualTo(Main.RAISED);
    assertThat(none.err()).contains("remote_get_snapshots failed: INVALID_ARGUMENT:"
        + " remote_get_snapshots is not supported for Cloud Type 'KVM'");
    // Recover goes by its own RPC with its parameter; this cloud has no hypervisor recovery.
    CliRunner recover = CliRunner.runWith(ENV, "call", "Recover", "--target", target,
        "--context", path("contexts/kvm-provider.json"), "--param", "hypervisor=qemu:///system");
    assertThat(recover.code()).isEqualTo(Main.RAISED);
    assertThat(recover.err()).contains("Recover failed: INVALID_ARGUMENT: Recover is not"
        + " supported for Cloud Type 'KVM': its backend has no hypervisor recovery");
  }

  private static String[] with(String[] args, String... more) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.Arrays.stream(more)).toArray(String[]::new);
  }

  @Test
  void theTokenComesFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    String[] call = {"call", "GetVmDetails", "--target", target, "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/get-vm-details-kvm.json")};
    CliRunner none = CliRunner.runWith(Map.of(), call);
    assertThat(none.code()).isEqualTo(Main.USAGE);
    assertThat(none.err()).contains("no bearer token: set HANGAR_TOKEN or give --token-file FILE");
    CliRunner wrong = CliRunner.runWith(Map.of("HANGAR_TOKEN", "guess"), call);
    assertThat(wrong.code()).isEqualTo(Main.RAISED);
    assertThat(wrong.err()).contains("GetVmDetails failed: UNAUTHENTICATED: invalid bearer token");

    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    String[] withFile = java.util.stream.Stream.concat(java.util.Arrays.stream(call),
        java.util.stream.Stream.of("--token-file", file.toString())).toArray(String[]::new);
    CliRunner fromFile = CliRunner.runWith(Map.of(), withFile);
    assertThat(fromFile.code()).as(fromFile.err()).isEqualTo(Main.OK);
    assertThat(fromFile.out()).startsWith("[{\"appName\":\"web\"");

    CliRunner tlsAlone = CliRunner.runWith(ENV, "call", "GetVmDetails", "--tls", "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/get-vm-details-kvm.json"));
    assertThat(tlsAlone.code()).isEqualTo(Main.USAGE);
    assertThat(tlsAlone.err()).contains("need --target HOST:PORT");
  }

  @Test
  void replayRunsTheWholeSandboxThroughTheHost() {
    CliRunner r = CliRunner.runWith(ENV, "replay", path("scenarios/l2-sandbox.json"),
        "--target", target);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).contains("== L2 sandbox on KVM (15 steps)")
        .containsPattern("\\[7/15\\] remote_refresh_ip .* PASS")
        .containsPattern("total\\s+15\\s+15\\s+0");
    assertThat(kvm.vms()).isEmpty();
  }

  @Test
  void serveRefusesToStartWithoutAToken() {
    CliRunner r = CliRunner.runWith(Map.of(), "serve", "--listen", "127.0.0.1:0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("hangar serve: no bearer token: set HANGAR_TOKEN or give"
        + " --token-file FILE");
    CliRunner badListen = CliRunner.runWith(ENV, "serve", "--listen", "localhost");
    assertThat(badListen.code()).isEqualTo(Main.USAGE);
    assertThat(badListen.err()).contains("'localhost' is not HOST:PORT");
    CliRunner halfTls = CliRunner.runWith(ENV, "serve", "--tls-cert", "host.pem");
    assertThat(halfTls.code()).isEqualTo(Main.USAGE);
    assertThat(halfTls.err()).contains("TLS needs both --tls-cert and --tls-key");
  }
}
