package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * A reservation quota holds under 20 Deploys at once through two sandbox hosts, each with its
 * own KVM backend (own connections and locks), sharing only the cloud: libvirt's
 * test:///default and an ovsdb-server. The count is the cloud's, so neither host's memory plays
 * a part.
 */
class TwoHostsQuotaTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String TEMPLATE = "debian-12-template.qcow2";

  @Test
  void twentyDeploysThroughTwoHostsNeverExceedTheReservationQuota() throws Exception {
    String reservation = "quota-" + UUID.randomUUID();
    try (EmbeddedHypervisor hypervisor = EmbeddedHypervisor.open();
        PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start("br-int");
        BackendRegistry backendsA = BackendRegistry.empty().register(new KvmBackendProvider());
        BackendRegistry backendsB = BackendRegistry.empty().register(new KvmBackendProvider());
        SandboxHost a = HostTesting.loopbackHost(backendsA);
        SandboxHost b = HostTesting.loopbackHost(backendsB);
        HostClient clientA = HostTesting.client(a);
        HostClient clientB = HostTesting.client(b)) {
      hypervisor.ensureTemplates(List.of(TEMPLATE));
      Map<String, String> attrs = new LinkedHashMap<>(Contexts.kvmAttributes());
      attrs.put("Hangar Cloud Provider.Hypervisors", EmbeddedHypervisor.URI);
      attrs.put("Hangar Cloud Provider.OVS Bridge", "br-int");
      attrs.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
      attrs.put("Hangar Cloud Provider.Storage Pool", EmbeddedHypervisor.POOL);
      attrs.put("Hangar Cloud Provider.Quotas", "reservation.vms=5");
      ObjectNode ctx = HostTesting.resourceContext(attrs);
      ((ObjectNode) ctx.get("reservation")).put("reservation_id", reservation);

      ExecutorService pool = Executors.newFixedThreadPool(20);
      List<Future<JsonNode>> calls = new ArrayList<>();
      List<JsonNode> kept = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          HostClient client = i % 2 == 0 ? clientA : clientB;
          String request = Contexts.request(deployApp("p" + i, "quota" + i));
          calls.add(pool.submit(() -> result(client.call(Command.DEPLOY, ctx, request,
              Duration.ofSeconds(120)))));
        }
        for (Future<JsonNode> f : calls) {
          JsonNode r = f.get();
          if (r.path("success").asBoolean()) {
            kept.add(r);
          } else {
            assertThat(r.path("errorMessage").asText()).contains("quota reservation.vms of"
                + " reservation '" + reservation + "' exceeded");
          }
        }
        assertThat(kept.size()).isLessThanOrEqualTo(5);
        assertThat(domainsOf(reservation)).isEqualTo(kept.size());
        // After the race, Deploys through either host fill the places left, exactly to 5.
        for (int i = 0; kept.size() < 6 && i < 10; i++) {
          JsonNode r = result((i % 2 == 0 ? clientA : clientB).call(Command.DEPLOY, ctx,
              Contexts.request(deployApp("late" + i, "late" + i)), Duration.ofSeconds(120)));
          if (!r.path("success").asBoolean()) {
            assertThat(r.path("errorMessage").asText()).contains("exceeded: 6 in use");
            break;
          }
          kept.add(r);
        }
        assertThat(kept).hasSize(5);
        assertThat(domainsOf(reservation)).isEqualTo(5);
      } finally {
        pool.shutdownNow();
        for (JsonNode r : kept) {
          clientA.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(attrs, r), null,
              Duration.ofSeconds(120));
        }
      }
      assertThat(domainsOf(reservation)).isZero();
    }
  }

  private static String deployApp(String actionId, String app) {
    String path = "Hangar Cloud Provider.KVM VM From Template";
    List<Map<String, String>> list = new ArrayList<>();
    Map.of("Template", TEMPLATE, "NIC Count", "1", "RAM", "32", "Wait for IP", "False")
        .forEach((k, v) -> list.add(Map.of("attributeName", path + "." + k, "attributeValue", v,
            "type", "attribute")));
    return CODEC.write(Map.of("type", "deployApp", "actionId", actionId, "actionParams",
        Map.of("type", "deployAppParams", "appName", app, "deployment", Map.of(
            "deploymentPath", path, "attributes", list), "appResource",
            Map.of("attributes", List.of()))));
  }

  private static JsonNode result(String response) {
    return CODEC.readTree(response, "response").path("driverResponse").path("actionResults")
        .get(0);
  }

  /** Domains of test:///default whose Hangar metadata names the reservation. */
  private static int domainsOf(String reservation) throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      int n = 0;
      for (Domain d : libvirt.listAllDomains(0)) {
        if (d.getXMLDesc(0).contains(reservation)) {
          n++;
        }
        d.free();
      }
      return n;
    } finally {
      libvirt.close();
    }
  }
}
