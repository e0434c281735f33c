package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.cli.Main;
import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.testing.ChildJvm;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Samples;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hangar serve} as its own process, as scripts run it: the token from HANGAR_TOKEN, the
 * port it got on stdout, one log line per command on stderr, and SIGTERM with a Deploy in flight:
 * new calls are refused, the Deploy finishes and is answered, then the process exits.
 */
class ServeProcessTest {
  @Test
  void sigtermLetsTheDeployInFlightFinishThenExits(@TempDir Path dir) throws Exception {
    Path stderr = dir.resolve("serve.err");
    ExecutorService threads = Executors.newCachedThreadPool();
    try (PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start("br-int");
        HostTesting.Orchestrator orchestrator = HostTesting.Orchestrator.start()) {
      ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(
          "-Dhangar.home=" + Samples.home(),
          // The tests' logback-test.xml shows warnings only; the host's own config is wanted.
          "-Dlogback.configurationFile=" + Path.of(Main.class.getResource("/logback.xml")
              .toURI())), Main.class, "serve", "--listen", "127.0.0.1:0", "--grace", "20"))
          .redirectError(stderr.toFile());
      pb.environment().put("HANGAR_TOKEN", HostTesting.HOST_TOKEN);
      pb.environment().remove("HANGAR_LOG_LEVEL");
      Process serve = pb.start();
      try {
        HostPort address = servingOn(serve);
        try (HostClient client = HostClient.connect(address, HostTesting.TOKEN,
            ClientTls.PLAINTEXT)) {
          ObjectNode ctx = orchestrator.expose(HostTesting.resourceContext(
              defaultHypervisor(ovsdb)));
          String request = Contexts.request(KvmCloudFixture.kernelDeployApp("sig-1", "db",
              Map.of("Wait for IP", "True", "IP Regex", "^172\\.31\\.",
                  "Refresh IP Timeout", "2")));
          CompletableFuture<String> deploy = CompletableFuture.supplyAsync(
              () -> client.call(Command.DEPLOY, ctx, request, null), threads);
          HostTesting.eventually("the Deploy runs", () -> orchestrator.api().calls().stream()
              .anyMatch(c -> c.args().size() == 2 && c.args().get(1).startsWith("Deploying")));

          serve.destroy();
          try (HostClient late = HostClient.connect(address, HostTesting.TOKEN,
              ClientTls.PLAINTEXT)) {
            HostTesting.eventually("new calls refused", () -> HostTesting.refused(late, ctx));
          }
          assertThat(deploy.get(30, TimeUnit.SECONDS)).as("answered, not cut off")
              .contains("no IP address after 2 s");
        }
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).as("stopped by SIGTERM").isEqualTo(143);
      } finally {
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        threads.shutdownNow();
      }
      String log = Files.readString(stderr, StandardCharsets.UTF_8);
      // The Deploy, and perhaps the probe that asks whether new calls are refused when it got in
      // just before the host saw the SIGTERM (the probes go one at a time).
      assertThat(log).containsPattern("shutting down: refusing new calls, giving [12] running"
          + " commands up to 20 s")
          .containsPattern("command=Deploy actions=1 duration_ms=\\d+ outcome=OK")
          .contains("stopped serving on 127.0.0.1:")
          .doesNotContain(HostTesting.HOST_TOKEN).doesNotContain(Contexts.TOKEN);
    }
  }

  /** Reads the "serving on HOST:PORT" line the host prints once it listens. */
  private static HostPort servingOn(Process serve) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
        StandardCharsets.UTF_8));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String first = line.get(60, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("^serving on 127\\.0\\.0\\.1:(\\d+) \\(plaintext\\), backends:"
        + " AWS, KVM, OpenStack, up to 64 commands at once and 256 waiting$")
        .matcher(String.valueOf(first));
    assertThat(m.matches()).as(first).isTrue();
    return new HostPort("127.0.0.1", Integer.parseInt(m.group(1)));
  }

  /** Provider attributes for the child's own test:///default and this ovsdb-server. */
  private static Map<String, String> defaultHypervisor(PrivateOvsdbServer ovsdb) {
    Map<String, String> a = new LinkedHashMap<>(Contexts.kvmAttributes());
    a.put("Hangar Cloud Provider.Hypervisors", EmbeddedHypervisor.URI);
    a.put("Hangar Cloud Provider.OVS Bridge", "br-int");
    a.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    // The test driver's own pool: the child runs no embedded default (serve without --embedded).
    a.put("Hangar Cloud Provider.Storage Pool", "default-pool");
    a.put("Hangar Cloud Provider.Management Network", "default");
    return a;
  }
}
