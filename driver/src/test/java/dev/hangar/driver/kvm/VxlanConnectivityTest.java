package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.ThreeVxlanHosts.IPS;
import static dev.hangar.driver.kvm.ThreeVxlanHosts.P;
import static dev.hangar.driver.kvm.VlanRequests.apply;
import static dev.hangar.driver.kvm.VlanRequests.removeVlan;
import static dev.hangar.driver.kvm.VlanRequests.setVlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.testing.ApplyHookConnector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VLAN Type VXLAN on three libvirt test-driver hosts, each with its own real ovsdb-server: the
 * rows each request leaves (VNI maps, vNIC tags, tunnel ports) and one transaction per host.
 */
class VxlanConnectivityTest {
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
  private ThreeVxlanHosts hosts;
  private KvmTestbed bed;

  @BeforeEach
  void start() throws Exception {
    hosts = new ThreeVxlanHosts(new KvmTestbed(c -> new ApplyHookConnector(c,
        session -> writes.computeIfAbsent(session.describe(), k -> new AtomicInteger())
            .incrementAndGet())));
    bed = hosts.bed;
  }

  @AfterEach
  void stop() {
    if (hosts != null) {
      hosts.close();
    }
  }

  private static void assertOk(JsonNode results) {
    for (JsonNode r : results) {
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    }
  }

  /** Tunnel ports of host h as "VNI>peer" strings. */
  private List<String> tunnels(int h) {
    return hosts.bridge(h).ports().values().stream().filter(VxlanMesh::isTunnel)
        .map(p -> p.externalIds().get("hangar-vni") + ">" + p.externalIds().get("hangar-peer"))
        .sorted().toList();
  }

  private String tagOf(int h, JsonNode result) {
    String mac = result.path("updatedInterface").asText();
    return hosts.bridge(h).ports().values().stream()
        .filter(p -> mac.equals(p.externalIds().get("attached-mac")))
        .map(p -> String.valueOf(p.vlan().tag())).findFirst().orElseThrow();
  }

  @Test
  void oneVniAcrossThreeHostsIsAFullMeshOfProtectedTunnelsInOneWritePerHost() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    writes.clear();

    JsonNode r = apply(bed, setVlan("s1", a1, "5000", "Access"),
        setVlan("s2", a2, "5000", "Access"), setVlan("s3", a3, "5000", "Access"));

    assertOk(r);
    assertThat(r.get(0).path("infoMessage").asText()).contains("VNI 5000 (host VLAN 1)");
    for (int h = 0; h < 3; h++) {
      assertThat(writes.get(hosts.ovsdbs.get(h).tcpRemote()).get()).as("writes on host " + h)
          .isEqualTo(1);
      assertThat(tagOf(h, r.get(h))).isEqualTo("1");
      assertThat(hosts.bridge(h).externalIds()).containsEntry("hangar-vni-5000", "1");
      List<String> peers = new ArrayList<>(IPS);
      peers.remove(h);
      assertThat(tunnels(h)).containsExactly("5000>" + peers.get(0), "5000>" + peers.get(1));
    }
    String tunnel = VxlanMesh.tunnelName(5000, IPS.get(1));
    assertThat(hosts.vsctl(0, "interface", tunnel, "type")).isEqualTo("vxlan");
    assertThat(hosts.vsctl(0, "interface", tunnel, "options")).isEqualTo(
        "{key=\"5000\", local_ip=\"192.0.2.1\", remote_ip=\"192.0.2.2\"}");
    assertThat(hosts.vsctl(0, "port", tunnel, "protected")).isEqualTo("true");
    assertThat(hosts.vsctl(0, "port", tunnel, "tag")).isEqualTo("1");

    // The same request again finds everything as wanted and writes nothing.
    writes.clear();
    JsonNode again = apply(bed, VlanRequests.withVnic(setVlan("s1", a1, "5000", "Access"), "1"),
        VlanRequests.withVnic(setVlan("s2", a2, "5000", "Access"), "1"));
    assertOk(again);
    assertThat(again.get(0).path("infoMessage").asText()).contains("was already VNI 5000");
    assertThat(writes).allSatisfy((k, v) -> assertThat(v.get()).isZero());
  }

  @Test
  void vnisGetTheirOwnHostVlansAndTunnelsOnlyWhereBothEndsHoldThem() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode b1 = hosts.deployOn(0, "b1");
    JsonNode b3 = hosts.deployOn(2, "b3");
    assertOk(apply(bed, setVlan("a1", a1, "5000", "Access"),
        setVlan("a2", a2, "5000", "Access")));
    writes.clear();

    JsonNode r = apply(bed, setVlan("b1", b1, "70000", "Access"),
        setVlan("b3", b3, "70000", "Access"));

    assertOk(r);
    assertThat(tagOf(0, r.get(0))).isEqualTo("2");
    assertThat(tagOf(2, r.get(1))).isEqualTo("1");
    assertThat(hosts.bridge(0).externalIds()).containsEntry("hangar-vni-5000", "1")
        .containsEntry("hangar-vni-70000", "2");
    assertThat(tunnels(0)).containsExactly("5000>192.0.2.2", "70000>192.0.2.3");
    assertThat(tunnels(1)).containsExactly("5000>192.0.2.1");
    assertThat(tunnels(2)).containsExactly("70000>192.0.2.1");
    assertThat(hosts.vsctl(0, "port", VxlanMesh.tunnelName(70000, IPS.get(2)), "tag")).isEqualTo("2");
    // Host 2 (index 1) holds neither end of VNI 70000: its bridge was not written.
    assertThat(writes.get(hosts.ovsdbs.get(1).tcpRemote())).isNull();
  }

  @Test
  void theLastVnicOfAVniLeavingAHostRemovesItsTunnelsAndThePeersTunnelsToIt() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    JsonNode c3 = hosts.deployOn(2, "c3");
    JsonNode set = apply(bed, setVlan("s1", a1, "5000", "Access"),
        setVlan("s2", a2, "5000", "Access"), setVlan("s3", a3, "5000", "Access"),
        setVlan("s4", c3, "5000", "Access"));
    assertOk(set);

    // One of host 3's two vNICs leaves: it still holds the VNI, nothing else changes.
    assertOk(apply(bed, removeVlan("r4", c3, "5000", set.get(3).path("updatedInterface")
        .asText())));
    assertThat(tunnels(2)).containsExactly("5000>192.0.2.1", "5000>192.0.2.2");
    assertThat(tunnels(0)).hasSize(2);

    writes.clear();
    JsonNode r = apply(bed, removeVlan("r3", a3, "5000", set.get(2).path("updatedInterface")
        .asText()));
    assertOk(r);
    assertThat(tunnels(2)).isEmpty();
    assertThat(hosts.bridge(2).externalIds()).doesNotContainKey("hangar-vni-5000");
    assertThat(tunnels(0)).containsExactly("5000>192.0.2.2");
    assertThat(tunnels(1)).containsExactly("5000>192.0.2.1");
    assertThat(writes.keySet()).hasSize(3);
    assertThat(writes).allSatisfy((k, v) -> assertThat(v.get()).isEqualTo(1));

    // The last two leave: no tunnel and no VNI map anywhere.
    assertOk(apply(bed, removeVlan("r1", a1, "5000", set.get(0).path("updatedInterface")
        .asText()), removeVlan("r2", a2, "5000", set.get(1).path("updatedInterface").asText())));
    for (int h = 0; h < 3; h++) {
      assertThat(tunnels(h)).isEmpty();
      assertThat(hosts.bridge(h).externalIds()).doesNotContainKey("hangar-vni-5000");
    }
  }

  @Test
  void deletingTheLastVmOfAVniOnAHostWithoutARemoveVlanRetiresItsTunnelsToo() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    assertOk(apply(bed, setVlan("s1", a1, "5000", "Access"),
        setVlan("s2", a2, "5000", "Access"), setVlan("s3", a3, "5000", "Access")));

    bed.driver.deleteInstance(bed.remote(a3));

    assertThat(bed.domains()).noneMatch(d -> d.contains("a3"));
    assertThat(tunnels(2)).isEmpty();
    assertThat(hosts.bridge(2).externalIds()).doesNotContainKey("hangar-vni-5000");
    assertThat(tunnels(0)).containsExactly("5000>192.0.2.2");
    assertThat(tunnels(1)).containsExactly("5000>192.0.2.1");
    // Deleting it again (teardown retries) is still success and changes nothing.
    writes.clear();
    bed.driver.deleteInstance(bed.remote(a3));
    assertThat(writes).isEmpty();
  }

  @Test
  void aHostWhoseOvsdbIsDownFailsItsOwnActionsAndKeepsThePeersTunnelsToIt() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    JsonNode b1 = hosts.deployOn(0, "b1");
    JsonNode b2 = hosts.deployOn(1, "b2");
    JsonNode set = apply(bed, setVlan("s1", a1, "5000", "Access"),
        setVlan("s2", a2, "5000", "Access"), setVlan("s3", a3, "5000", "Access"));
    assertOk(set);

    hosts.ovsdbs.get(2).kill();
    JsonNode r = apply(bed, setVlan("t1", b1, "6000", "Access"),
        setVlan("t2", b2, "6000", "Access"),
        removeVlan("r3", a3, "5000", set.get(2).path("updatedInterface").asText()));

    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get(1).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get(2).path("success").asBoolean()).isFalse();
    assertThat(r.get(2).path("errorMessage").asText()).contains(hosts.uris.get(2));
    // The VNI both reachable hosts share got its tunnel; host 3 is unknown, so the tunnels to it
    // stay as they were.
    assertThat(tunnels(0)).containsExactly("5000>192.0.2.2", "5000>192.0.2.3", "6000>192.0.2.2");
    assertThat(tunnels(1)).containsExactly("5000>192.0.2.1", "5000>192.0.2.3", "6000>192.0.2.1");
  }

  @Test
  void twoRequestsAtOnceOnTheSameHostsBothSucceedOnTheirOwnHostVlans() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode b1 = hosts.deployOn(0, "b1");
    JsonNode b2 = hosts.deployOn(1, "b2");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> apply(bed, setVlan("a1", a1, "5000", "Access"),
          setVlan("a2", a2, "5000", "Access")));
      var second = pool.submit(() -> apply(bed, setVlan("b1", b1, "6000", "Access"),
          setVlan("b2", b2, "6000", "Access")));
      assertOk(first.get());
      assertOk(second.get());
    } finally {
      pool.shutdownNow();
    }
    for (int h = 0; h < 2; h++) {
      Map<String, String> ids = hosts.bridge(h).externalIds();
      assertThat(ids.get("hangar-vni-5000")).isNotNull()
          .isNotEqualTo(ids.get("hangar-vni-6000"));
    }
    assertThat(tunnels(0)).containsExactly("5000>192.0.2.2", "6000>192.0.2.2");
  }

  @Test
  void vnisAreCheckedPerActionAndTrunksAndQinqAreRefused() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode r = apply(bed, VlanRequests.withVnic(setVlan("big", a1, "16777216", "Access"), "1"),
        VlanRequests.withVnic(setVlan("trunk", a1, "5000-5001", "Trunk"), "2"),
        VlanRequests.withQinq(VlanRequests.withVnic(setVlan("q", a1, "6000", "Access"), "2")),
        VlanRequests.withVnic(setVlan("top", a1, "16777215", "Access"), "1"));
    assertThat(r.get(0).path("success").asBoolean()).isFalse();
    assertThat(r.get(0).path("errorMessage").asText())
        .contains("VNI 16777216 is outside 1-16777215");
    assertThat(r.get(1).path("errorMessage").asText()).contains("Trunk mode is not supported"
        + " with VLAN Type VXLAN");
    assertThat(r.get(2).path("errorMessage").asText()).contains("QnQ is not supported");
    assertThat(r.get(3).path("success").asBoolean()).as(r.get(3).toString()).isTrue();
    assertThat(hosts.bridge(0).externalIds()).containsEntry("hangar-vni-16777215", "1");
  }

  @Test
  void aProviderWithoutOneTunnelEndpointPerHypervisorIsRefusedClearly() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    bed.attributes.put(P + "Tunnel Endpoints", "192.0.2.1,192.0.2.2");
    JsonNode r = apply(bed, setVlan("s1", a1, "5000", "Access"));
    assertThat(r.get(0).path("success").asBoolean()).isFalse();
    assertThat(r.get(0).path("errorMessage").asText()).contains("'Tunnel Endpoints' has 2"
        + " values for 3 Hypervisors");
    bed.attributes.put(P + "Tunnel Endpoints", "192.0.2.1,192.0.2.2,no;such");
    assertThat(apply(bed, setVlan("s1", a1, "5000", "Access")).get(0).path("errorMessage")
        .asText()).contains("'no;such' is not an IP address");
    bed.attributes.put(P + "Tunnel Endpoints", String.join(",", IPS));
    bed.attributes.put(P + "VLAN Type", "GRE");
    assertThat(apply(bed, setVlan("s1", a1, "5000", "Access")).get(0).path("errorMessage")
        .asText()).isEqualTo("attribute 'VLAN Type' is 'GRE'; use VLAN or VXLAN");
  }

  @Test
  void theReaperRetiresTheTunnelsOfAnExpiredSandboxAndNoOthers() throws Exception {
    bed.attributes.put(P + "Sandbox Lifetime", "1");
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    assertOk(apply(bed, setVlan("s1", a1, "5000", "Access"), setVlan("s2", a2, "5000", "Access"),
        setVlan("s3", a3, "5000", "Access")));
    assertThat(tunnels(0)).hasSize(2);
    SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(bed.provider),
        c -> bed.api);
    String context = "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":"
        + "\"t\"},\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + WireCodec.standard().write(bed.attributes) + "}}";

    ReapReport early = reaping.reap(context, false, Instant.now(), CancellationContext.NONE);
    assertThat(early.lines()).isEmpty();
    assertThat(tunnels(1)).hasSize(2);

    ReapReport done = reaping.reap(context, false, Instant.now().plus(Duration.ofHours(2)),
        CancellationContext.NONE);
    assertThat(done.clean()).as(done.lines().toString()).isTrue();
    List<ReapReport.Line> retired = done.lines().stream()
        .filter(l -> l.kind().equals("VXLAN tunnel")).toList();
    assertThat(retired).as(done.lines().toString()).hasSize(6)
        .allMatch(l -> l.outcome() == ReapReport.Outcome.REMOVED);
    for (int h = 0; h < 3; h++) {
      assertThat(tunnels(h)).as("tunnels of host " + h).isEmpty();
      assertThat(hosts.bridge(h).externalIds()).doesNotContainKey("hangar-vni-5000");
      assertThat(hosts.bridge(h).ports()).as("ports of host " + h).isEmpty();
    }
  }
}
