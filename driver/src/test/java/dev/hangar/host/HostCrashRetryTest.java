package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.ProgressHold;
import dev.hangar.testing.ProgressHookApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host process dies (SIGKILL) in the middle of a Deploy, and the orchestrator retries the
 * same actionId on a second host: one VM, its ports made once, nothing left after the delete.
 *
 * <p>The first host is {@code hangar serve} in a child JVM. Its Deploy is held at a known point,
 * after the domain is defined and started and its OVS ports are inserted (in a real
 * ovsdb-server both hosts share), while it reports "Waiting up to … for the IP" through the
 * orchestrator's callback, which this test keeps from answering. Then the child is killed -9.
 * The hypervisor is libvirt's test driver, which lives inside each process, so the VM itself dies
 * with the child; what outlives it is the OVSDB ports, which the retry must take over (same
 * UUID, same port names) instead of failing on them or adding a second set.
 * {@link HostCrashResumeTest} has a VM that outlives its host, on a real libvirtd.
 */
class HostCrashRetryTest {
  private static final WireCodec CODEC = WireCodec.standard();

  @Test
  void aDeployWhoseHostWasKilledIsRetriedOnAnotherHostWithOneVmAndNoLeak(@TempDir Path dir)
      throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    RecordingOrchestratorApi recorded = new RecordingOrchestratorApi(Map.of(), null);
    // Holds the Deploy at its first "Waiting up to … for the IP" report: started, ports made.
    ProgressHold hold = new ProgressHold("Waiting up to", Duration.ofSeconds(60));
    OrchestratorApi holding = new ProgressHookApi(recorded, hold);
    try (KvmCloudFixture cloud = new KvmCloudFixture(Duration.ofMillis(50));
        CallbackServer callbacks = CallbackServer.start(HostTesting.LOOPBACK, holding)) {
      ObjectNode ctx = HostTesting.resourceContext(cloud.providerAttributes());
      callbacks.expose(ctx);
      String request = Contexts.request(KvmCloudFixture.kernelDeployApp("crash-1", "db",
          Map.of("Wait for IP", "True", "Refresh IP Timeout", "60")));

      ServeChild.killDuringDeploy(dir, ctx, request, hold.reached(), Duration.ofSeconds(60),
          () -> assertThat(cloud.ports()).as("ports made by the first host").hasSize(2),
          threads);
      List<String> leftByTheDeadHost = cloud.ports();
      hold.release();

      // The orchestrator retries the same request (same actionId) on another host.
      try (BackendRegistry backends = BackendRegistry.empty().register(cloud.provider());
          SandboxHost second = HostTesting.loopbackHost(backends);
          HostClient client = HostTesting.client(second)) {
        JsonNode r = CODEC.readTree(client.call(Command.DEPLOY, ctx, request,
            Duration.ofSeconds(120)), "response").path("driverResponse").path("actionResults")
            .get(0);
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
        assertThat(cloud.domains()).hasSize(1);
        assertThat(cloud.ports()).as("the same ports, taken over")
            .containsExactlyInAnyOrderElementsOf(leftByTheDeadHost);
        assertThat(r.path("deployedAppAddress").asText()).isNotEmpty();

        ObjectNode remote = HostTesting.remoteContextOf(cloud.providerAttributes(), r);
        callbacks.expose(remote);
        client.call(Command.DELETE_INSTANCE, remote, null, null);
        assertThat(cloud.domains()).isEmpty();
        assertThat(cloud.ports()).isEmpty();
      }
    } finally {
      hold.release();
      threads.shutdownNow();
    }
  }
}
