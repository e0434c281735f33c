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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * Deploys racing through two sandbox hosts, each with its own KVM backend (own connections, VM
 * locks and memory ledger), sharing only the cloud: libvirt's test:///default and an
 * ovsdb-server. What keeps them correct is the cloud's own conditional writes (DeployClaims,
 * MemoryCheck), so neither host's memory plays a part.
 */
class TwoHostsDeployRaceTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String TEMPLATE = "debian-12-template.qcow2";
  private static final Duration CALL = Duration.ofSeconds(180);

  private EmbeddedHypervisor hypervisor;
  private PrivateOvsdbServer ovsdb;
  private BackendRegistry backendsA;
  private BackendRegistry backendsB;
  private SandboxHost a;
  private SandboxHost b;
  private HostClient clientA;
  private HostClient clientB;
  private Map<String, String> attrs;
  private ObjectNode ctx;
  private String reservation;
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    reservation = "race-" + UUID.randomUUID();
    hypervisor = EmbeddedHypervisor.open();
    hypervisor.ensureTemplates(List.of(TEMPLATE));
    ovsdb = PrivateOvsdbServer.start("br-int");
    backendsA = BackendRegistry.empty().register(new KvmBackendProvider());
    backendsB = BackendRegistry.empty().register(new KvmBackendProvider());
    a = HostTesting.loopbackHost(backendsA);
    b = HostTesting.loopbackHost(backendsB);
    clientA = HostTesting.client(a);
    clientB = HostTesting.client(b);
    attrs = new LinkedHashMap<>(Contexts.kvmAttributes());
    attrs.put("Hangar Cloud Provider.Hypervisors", EmbeddedHypervisor.URI);
    attrs.put("Hangar Cloud Provider.OVS Bridge", "br-int");
    attrs.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    attrs.put("Hangar Cloud Provider.Storage Pool", EmbeddedHypervisor.POOL);
    ctx = HostTesting.resourceContext(attrs);
    ((ObjectNode) ctx.get("reservation")).put("reservation_id", reservation);
    pool = Executors.newFixedThreadPool(12);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    for (AutoCloseable c : new AutoCloseable[] {clientA, clientB, a, b, backendsA, backendsB,
        ovsdb, hypervisor}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theSameDeployOnTwoHostsAtOnceMakesOneVmThatBothAnswersDescribe() throws Exception {
    List<JsonNode> made = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        String request = Contexts.request(deployApp("same-" + i, "twin" + i, "64"));
        CyclicBarrier together = new CyclicBarrier(2);
        Future<JsonNode> onA = pool.submit(() -> {
          together.await();
          return result(clientA.call(Command.DEPLOY, ctx, request, CALL));
        });
        Future<JsonNode> onB = pool.submit(() -> {
          together.await();
          return result(clientB.call(Command.DEPLOY, ctx, request, CALL));
        });
        JsonNode ra = onA.get();
        JsonNode rb = onB.get();
        if (ra.path("success").asBoolean()) {
          made.add(ra);
        }
        assertThat(ra.path("success").asBoolean()).as(ra.toString()).isTrue();
        assertThat(rb.path("success").asBoolean()).as(rb.toString()).isTrue();
        for (String field : List.of("vmUuid", "vmName", "deployedAppAdditionalData")) {
          assertThat(rb.path(field)).as(field).isEqualTo(ra.path(field));
        }
        // The same details (disks, MACs, ports, state) but for the address: Wait for IP is off,
        // so the creator answers none while the adopter reads what the guest has by then.
        assertThat(withoutIp(rb.path("vmDetailsData"))).isEqualTo(withoutIp(ra.path(
            "vmDetailsData")));
        assertThat(List.of(ra.path("infoMessage").asText(), rb.path("infoMessage").asText()))
            .as("one host made it, the other adopted it")
            .anyMatch(m -> m.startsWith("created on"))
            .anyMatch(m -> m.startsWith("found the VM"));
        assertThat(domainsOf(reservation)).hasSize(i + 1);
        assertThat(claims()).isEmpty();
        // One parked port per VM: the NIC the MAC of both answers names.
        assertThat(ovsdb.vsctl("list-ports", "br-int").strip().split("\n")).hasSize(i + 1);
        String mac = ra.path("vmDetailsData").path("vmNetworkData").get(0).path("macAddress")
            .asText();
        assertThat(domainXml(ra.path("vmUuid").asText())).contains(mac);
      }
    } finally {
      for (JsonNode r : made) {
        clientB.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(attrs, r), null, CALL);
      }
    }
    assertThat(domainsOf(reservation)).isEmpty();
    assertThat(ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
  }

  @Test
  void deploysPlacedByTwoHostsAtOnceNeverOvercommitTheHypervisor() throws Exception {
    long freeMiB = freeMiB();
    long ramMiB = freeMiB / 4;
    assertThat(ramMiB).as("test:///default has room for a few VMs").isGreaterThan(32);
    int fit = (int) (freeMiB / ramMiB);
    int n = 10;
    List<JsonNode> kept = new ArrayList<>();
    try {
      CyclicBarrier together = new CyclicBarrier(n);
      List<Future<JsonNode>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        HostClient client = i % 2 == 0 ? clientA : clientB;
        String request = Contexts.request(deployApp("mem" + i, "mem" + i, "" + ramMiB));
        calls.add(pool.submit(() -> {
          together.await();
          return result(client.call(Command.DEPLOY, ctx, request, CALL));
        }));
      }
      for (Future<JsonNode> f : calls) {
        JsonNode r = f.get();
        if (r.path("success").asBoolean()) {
          kept.add(r);
        } else {
          assertThat(r.path("errorMessage").asText()).as(r.toString())
              .containsAnyOf("free memory", "no room for");
        }
      }
      assertThat(kept).as("placed").isNotEmpty().hasSizeLessThanOrEqualTo(fit);
      assertThat(usedByReservationMiB()).isLessThanOrEqualTo(freeMiB);
      assertThat(domainsOf(reservation)).hasSize(kept.size());
      assertThat(claims()).isEmpty();
      assertThat(ovsdb.vsctl("list-ports", "br-int").strip().split("\n"))
          .hasSize(kept.size());
      // The room left is usable: Deploys through either host fill it exactly, then refuse.
      for (int i = 0; kept.size() <= fit && i < fit + 1; i++) {
        JsonNode r = result((i % 2 == 0 ? clientA : clientB).call(Command.DEPLOY, ctx,
            Contexts.request(deployApp("late" + i, "late" + i, "" + ramMiB)), CALL));
        if (!r.path("success").asBoolean()) {
          assertThat(r.path("errorMessage").asText()).as(r.toString())
              .containsAnyOf("free memory", "no room for");
          break;
        }
        kept.add(r);
      }
      assertThat(kept).hasSize(fit);
      assertThat(usedByReservationMiB()).isLessThanOrEqualTo(freeMiB);
    } finally {
      for (JsonNode r : kept) {
        clientA.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(attrs, r), null, CALL);
      }
    }
    assertThat(domainsOf(reservation)).isEmpty();
    assertThat(claims()).isEmpty();
    assertThat(ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
  }

  private static String deployApp(String actionId, String app, String ramMiB) {
    String path = "Hangar Cloud Provider.KVM VM From Template";
    List<Map<String, String>> list = new ArrayList<>();
    Map.of("Template", TEMPLATE, "NIC Count", "1", "RAM", ramMiB, "Wait for IP", "False")
        .forEach((k, v) -> list.add(Map.of("attributeName", path + "." + k, "attributeValue", v,
            "type", "attribute")));
    return CODEC.write(Map.of("type", "deployApp", "actionId", actionId, "actionParams",
        Map.of("type", "deployAppParams", "appName", app, "deployment", Map.of(
            "deploymentPath", path, "attributes", list), "appResource",
            Map.of("attributes", List.of()))));
  }

  private static JsonNode withoutIp(JsonNode details) {
    JsonNode copy = details.deepCopy();
    for (JsonNode nic : copy.path("vmNetworkData")) {
      ((ObjectNode) nic).remove("privateIpAddress");
      var data = nic.path("networkData").elements();
      while (data.hasNext()) {
        if (data.next().path("key").asText().equals("IP")) {
          data.remove();
        }
      }
    }
    return copy;
  }

  private static JsonNode result(String response) {
    return CODEC.readTree(response, "response").path("driverResponse").path("actionResults")
        .get(0);
  }

  /** The node's memory less what its running domains hold, in MiB, as placement counts it. */
  private static long freeMiB() throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      long kib = libvirt.nodeInfo().memory;
      for (Domain d : libvirt.listAllDomains(1)) {
        kib -= d.getInfo().memory;
        d.free();
      }
      return kib / 1024;
    } finally {
      libvirt.close();
    }
  }

  /** Memory of this test's running domains, in MiB. */
  private long usedByReservationMiB() throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      long kib = 0;
      for (Domain d : libvirt.listAllDomains(1)) {
        if (d.getXMLDesc(0).contains(reservation)) {
          kib += d.getInfo().memory;
        }
        d.free();
      }
      return kib / 1024;
    } finally {
      libvirt.close();
    }
  }

  /** Names of the domains whose Hangar metadata names the reservation. */
  private static List<String> domainsOf(String reservation) throws Exception {
    return names(xml -> xml.contains(reservation));
  }

  /** Deploy claims left on the hypervisor. */
  private static List<String> claims() throws Exception {
    return names(xml -> xml.contains("<name>hangar-claim-"));
  }

  private static String domainXml(String uuid) throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      Domain d = libvirt.domainLookupByUUIDString(uuid);
      try {
        return d.getXMLDesc(0);
      } finally {
        d.free();
      }
    } finally {
      libvirt.close();
    }
  }

  private static List<String> names(java.util.function.Predicate<String> xmlMatches)
      throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      List<String> out = new ArrayList<>();
      for (Domain d : libvirt.listAllDomains(0)) {
        if (xmlMatches.test(d.getXMLDesc(0))) {
          out.add(d.getName());
        }
        d.free();
      }
      return out;
    } finally {
      libvirt.close();
    }
  }
}
