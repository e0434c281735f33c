package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.deployApp;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.embedded.OpenStackSeed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.NetFloatingIP;

/**
 * Faults on the real stack: a Deploy cancelled while its server boots rolls back (no server, no
 * floating IP); nova-api killed while a Deploy waits for ACTIVE fails it with a retryable error
 * naming the call, and the retry after a restart finds the same server; neutron-server killed
 * fails a Deploy before anything is booted, and the retry after a restart succeeds. Nothing is
 * left after the deletes.
 */
class OpenStackFaultsTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @AfterEach
  void servicesBack() throws Exception {
    bed.onProgress = m -> { };
    for (String service : List.of("nova-api", "neutron-server")) {
      if (!bed.stack.running(service)) {
        bed.stack.restart(service);
      }
    }
  }

  private List<? extends Server> serversOfSandbox() {
    return bed.admin().compute().servers().list(Map.of("name", "^(c|k|n)app-")).stream()
        .filter(s -> bed.sandbox.equals(s.getMetadata().get("hangar-sandbox")))
        // Nova may list a deleted server, status DELETED, for a moment after its delete.
        .filter(s -> s.getStatus() != Server.Status.DELETED).toList();
  }

  @Test
  void aCancelledDeployLeavesNoServerAndNoFloatingIp() {
    AtomicBoolean cancel = new AtomicBoolean();
    bed.onProgress = m -> {
      if (m.contains("to be ACTIVE")) {
        cancel.set(true);
      }
    };
    JsonNode r = results(bed.driver.deploy(bed.resource(), request(deployApp("c1", "capp",
        Map.of("Image", OpenStackSeed.IMAGE, "Floating IP", "True"))), cancel::get)).get(0);
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("cancelled");
    assertThat(serversOfSandbox()).isEmpty();
    List<? extends NetFloatingIP> fips = bed.admin().networking().floatingip().list();
    assertThat(fips).noneMatch(f -> String.valueOf(f.getDescription()).contains(bed.sandbox));
  }

  @Test
  void novaApiKilledWhileWaitingFailsRetryablyAndTheRetryFindsTheServer() throws Exception {
    bed.onProgress = m -> {
      if (m.contains("to be ACTIVE")) {
        bed.stack.kill("nova-api");
      }
    };
    String req = request(deployApp("k1", "kapp", Map.of("Image", OpenStackSeed.IMAGE)));
    JsonNode failed = results(bed.driver.deploy(bed.resource(), req, CancellationContext.NONE))
        .get(0);
    assertThat(failed.path("success").asBoolean()).isFalse();
    assertThat(failed.path("errorMessage").asText()).contains("OpenStack did not answer")
        .contains("read server");
    bed.onProgress = m -> { };
    bed.stack.restart("nova-api");
    JsonNode retried = results(bed.driver.deploy(bed.resource(), req, CancellationContext.NONE))
        .get(0);
    assertThat(retried.path("success").asBoolean()).as(retried.toString()).isTrue();
    assertThat(serversOfSandbox()).hasSize(1);
    bed.driver.deleteInstance(bed.remote("kapp", retried.path("vmUuid").asText()));
    assertThat(serversOfSandbox()).isEmpty();
  }

  @Test
  void neutronKilledFailsTheDeployClearlyAndTheRetrySucceedsAfterARestart() throws Exception {
    bed.stack.kill("neutron-server");
    String req = request(deployApp("n1", "napp", Map.of("Image", OpenStackSeed.IMAGE)));
    JsonNode failed = results(bed.driver.deploy(bed.resource(), req, CancellationContext.NONE))
        .get(0);
    assertThat(failed.path("success").asBoolean()).isFalse();
    assertThat(failed.path("errorMessage").asText()).contains("OpenStack did not answer")
        .contains("find network " + OpenStackSeed.MANAGEMENT);
    assertThat(serversOfSandbox()).isEmpty();
    bed.stack.restart("neutron-server");
    JsonNode retried = results(bed.driver.deploy(bed.resource(), req, CancellationContext.NONE))
        .get(0);
    assertThat(retried.path("success").asBoolean()).as(retried.toString()).isTrue();
    bed.driver.deleteInstance(bed.remote("napp", retried.path("vmUuid").asText()));
    assertThat(serversOfSandbox()).isEmpty();
  }
}
