package dev.hangar.driver.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.testing.Daemons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reading and writing a bridge's ports against a real ovsdb-server over TCP; ovs-vsctl checks
 * what the database really holds. Each test has its own bridge and port names.
 */
class OvsdbPortsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static PrivateOvsdbServer server;
  private static OvsdbConnector connector;

  private String bridge;
  private String prefix;

  @BeforeAll
  static void startServer() throws Exception {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    server = PrivateOvsdbServer.start("br-int");
    connector = OvsdbConnectors.standard();
  }

  @AfterAll
  static void stopServer() {
    if (connector != null) {
      connector.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void bridge() throws Exception {
    int n = COUNTER.incrementAndGet();
    bridge = "br-t" + n;
    prefix = "t" + n + "p";
    server.vsctl("add-br", bridge);
  }

  private OvsdbSession open() {
    return connector.open(OvsdbServers.tcp(server), TIMEOUT);
  }

  private OvsPort parked(String name) {
    return new OvsPort(name, PortVlan.parked(), Map.of("iface-id", name + "-id",
        "attached-mac", "52:54:00:00:00:01", "vm-id", "vm-" + name));
  }

  private String vsctl(String... args) throws Exception {
    return server.vsctl(args).strip();
  }

  @Test
  void bridgeIdsAndTunnelPortsAreWrittenOnlyWhileTheIdsAreAsRead() throws Exception {
    try (OvsdbSession s = open()) {
      OvsPort tunnel = new OvsPort(prefix + "vx", PortVlan.access(7), Map.of("hangar-peer",
          "192.0.2.9"), "vxlan", Map.of("key", "5000", "remote_ip", "192.0.2.9"));
      s.apply(bridge, new PortChanges(List.of(tunnel), Map.of(), List.of(),
          Map.of("hangar-vni-5000", "7", "other", "x"), List.of(), Map.of()));
      BridgeState read = s.bridge(bridge);
      assertThat(read.externalIds()).containsOnly(Map.entry("hangar-vni-5000", "7"),
          Map.entry("other", "x"));
      assertThat(read.ports().get(prefix + "vx").externalIds()).containsEntry("hangar-peer",
          "192.0.2.9");
      assertThat(vsctl("get", "interface", prefix + "vx", "type")).isEqualTo("vxlan");
      assertThat(vsctl("get", "interface", prefix + "vx", "options:key")).isEqualTo("\"5000\"");
      assertThat(vsctl("get", "port", prefix + "vx", "protected")).isEqualTo("true");

      // Written against ids read before the first write: refused, nothing applied.
      assertThatThrownBy(() -> s.apply(bridge, new PortChanges(List.of(), Map.of(), List.of(),
          Map.of("hangar-vni-6000", "8"), List.of(), Map.of())))
          .isInstanceOf(OvsdbException.class).hasMessageContaining("changed them meanwhile");
      assertThat(s.bridge(bridge).externalIds()).doesNotContainKey("hangar-vni-6000");

      // Against the ids as read: a key changes, one goes, the rest stays.
      s.apply(bridge, new PortChanges(List.of(), Map.of(), List.of(prefix + "vx"),
          Map.of("hangar-vni-5000", "9"), List.of("other"), read.externalIds()));
      assertThat(s.bridge(bridge).externalIds()).containsOnly(Map.entry("hangar-vni-5000", "9"));
      assertThat(s.ports(bridge)).isEmpty();
    }
  }

  @Test
  void insertsParkedPortsAndReadsThemBack() throws Exception {
    try (OvsdbSession s = open()) {
      assertThat(s.ports(bridge)).isEmpty();
      s.apply(bridge, PortChanges.insert(List.of(parked(prefix + 0), parked(prefix + 1))));

      Map<String, OvsPort> ports = s.ports(bridge);
      assertThat(ports).containsOnlyKeys(prefix + 0, prefix + 1);
      assertThat(ports.get(prefix + 0)).isEqualTo(parked(prefix + 0));
      assertThat(ports.get(prefix + 1).vlan().isParked()).isTrue();
    }
    assertThat(vsctl("list-ports", bridge).lines()).containsExactlyInAnyOrder(prefix + 0,
        prefix + 1);
    assertThat(vsctl("get", "Port", prefix + 0, "tag")).isEqualTo("4095");
    assertThat(vsctl("get", "Port", prefix + 0, "trunks")).isEqualTo("[]");
    assertThat(vsctl("get", "Port", prefix + 0, "vlan_mode")).isEqualTo("[]");
    assertThat(vsctl("get", "Interface", prefix + 0, "type")).isEqualTo("\"\"");
    assertThat(vsctl("get", "Interface", prefix + 0, "external_ids:vm-id"))
        .isEqualTo("vm-" + prefix + 0);
  }

  @Test
  void readsPortsMadeByOthersAndOnlyThoseOfTheBridge() throws Exception {
    server.vsctl("add-port", bridge, prefix + "x", "tag=7", "--", "set", "Interface",
        prefix + "x", "external_ids:iface-id=abc");
    server.vsctl("add-br", bridge + "o");
    server.vsctl("add-port", bridge + "o", prefix + "other");
    try (OvsdbSession s = open()) {
      Map<String, OvsPort> ports = s.ports(bridge);
      assertThat(ports).containsOnlyKeys(prefix + "x");
      assertThat(ports.get(prefix + "x")).isEqualTo(new OvsPort(prefix + "x",
          PortVlan.access(7), Map.of("iface-id", "abc")));
    }
  }

  @Test
  void updatesVlanColumnsForAccessTrunkAndDot1qTunnel() throws Exception {
    String a = prefix + "a";
    String t = prefix + "t";
    String q = prefix + "q";
    try (OvsdbSession s = open()) {
      s.apply(bridge, PortChanges.insert(List.of(parked(a), parked(t), parked(q))));
      assertThat(vsctl("get", "Port", a, "protected")).isEqualTo("true");
      s.apply(bridge, new PortChanges(List.of(), Map.of(
          a, PortVlan.access(10),
          t, PortVlan.trunk(new TreeSet<>(List.of(20, 30))),
          q, PortVlan.dot1qTunnel(100)), List.of()));

      Map<String, OvsPort> ports = s.ports(bridge);
      assertThat(ports.get(a).vlan()).isEqualTo(PortVlan.access(10));
      assertThat(ports.get(t).vlan()).isEqualTo(PortVlan.trunk(new TreeSet<>(List.of(20, 30))));
      assertThat(ports.get(q).vlan())
          .isEqualTo(PortVlan.dot1qTunnel(100));
      // external_ids are left alone by VLAN updates.
      assertThat(ports.get(a).externalIds()).isEqualTo(parked(a).externalIds());
    }
    assertThat(vsctl("get", "Port", a, "tag")).isEqualTo("10");
    // Only parked ports are protected (isolated from each other on the parking VLAN).
    assertThat(vsctl("get", "Port", a, "protected")).isEqualTo("false");
    assertThat(vsctl("get", "Port", t, "tag")).isEqualTo("[]");
    assertThat(vsctl("get", "Port", t, "trunks")).isEqualTo("[20, 30]");
    assertThat(vsctl("get", "Port", t, "vlan_mode")).isEqualTo("trunk");
    assertThat(vsctl("get", "Port", q, "vlan_mode")).isEqualTo("dot1q-tunnel");
    assertThat(vsctl("get", "Port", q, "tag")).isEqualTo("100");

    // Back from trunk to access: trunks and vlan_mode are cleared, not left behind.
    try (OvsdbSession s = open()) {
      s.apply(bridge, new PortChanges(List.of(), Map.of(t, PortVlan.access(40)), List.of()));
      assertThat(s.ports(bridge).get(t).vlan()).isEqualTo(PortVlan.access(40));
    }
    assertThat(vsctl("get", "Port", t, "trunks")).isEqualTo("[]");
    assertThat(vsctl("get", "Port", t, "vlan_mode")).isEqualTo("[]");
  }

  @Test
  void updateOfAGonePortReportsNothing() {
    try (OvsdbSession s = open()) {
      s.apply(bridge, PortChanges.insert(List.of(parked(prefix + 0))));
      s.apply(bridge, new PortChanges(List.of(), Map.of(prefix + 0, PortVlan.access(3),
          prefix + "gone", PortVlan.access(4)), List.of()));
      assertThat(s.ports(bridge)).containsOnlyKeys(prefix + 0);
      assertThat(s.ports(bridge).get(prefix + 0).vlan()).isEqualTo(PortVlan.access(3));
    }
  }

  @Test
  void deletesPortsAndTheirRowsAndToleratesGonePorts() throws Exception {
    try (OvsdbSession s = open()) {
      s.apply(bridge, PortChanges.insert(List.of(parked(prefix + 0), parked(prefix + 1))));
      s.apply(bridge, PortChanges.delete(List.of(prefix + 0, prefix + "never")));
      assertThat(s.ports(bridge)).containsOnlyKeys(prefix + 1);
      // Deleting again, and a port that never was, is success.
      s.apply(bridge, PortChanges.delete(List.of(prefix + 0, prefix + "never")));
    }
    assertThat(vsctl("list-ports", bridge).lines()).containsExactly(prefix + 1);
    // Port and Interface rows are gone too (garbage-collected once unreferenced).
    assertThat(vsctl("--columns=name", "find", "Port", "name=" + prefix + 0)).isEmpty();
    assertThat(vsctl("--columns=name", "find", "Interface", "name=" + prefix + 0)).isEmpty();
  }

  @Test
  void insertsUpdatesAndDeletesInOneTransaction() throws Exception {
    try (OvsdbSession s = open()) {
      s.apply(bridge, PortChanges.insert(List.of(parked(prefix + 0), parked(prefix + 1))));
      s.apply(bridge, new PortChanges(List.of(parked(prefix + 2)),
          Map.of(prefix + 1, PortVlan.access(12)), List.of(prefix + 0)));
      Map<String, OvsPort> ports = s.ports(bridge);
      assertThat(ports).containsOnlyKeys(prefix + 1, prefix + 2);
      assertThat(ports.get(prefix + 1).vlan()).isEqualTo(PortVlan.access(12));
    }
  }

  @Test
  void duplicateInsertFailsAndNothingOfTheTransactionIsApplied() throws Exception {
    String dup = prefix + "dup";
    String fresh = prefix + "fresh";
    String other = prefix + "other";
    try (OvsdbSession s = open()) {
      s.apply(bridge, PortChanges.insert(List.of(parked(dup), parked(other))));
      PortChanges changes = new PortChanges(List.of(parked(fresh), parked(dup)),
          Map.of(other, PortVlan.access(55)), List.of());
      assertThatThrownBy(() -> s.apply(bridge, changes))
          .isInstanceOfSatisfying(OvsdbException.class, e -> {
            assertThat(e.unreachable()).isFalse();
            assertThat(e.getMessage()).contains(OvsdbServers.tcp(server).describe())
                .contains(bridge).contains("nothing was applied").contains(dup)
                .contains("constraint violation");
          });
      Map<String, OvsPort> ports = s.ports(bridge);
      assertThat(ports).containsOnlyKeys(dup, other);
      assertThat(ports.get(other).vlan().isParked()).isTrue();
    }
    assertThat(vsctl("--columns=name", "find", "Port", "name=" + fresh)).isEmpty();
    assertThat(vsctl("--columns=name", "find", "Interface", "name=" + fresh)).isEmpty();
  }

  @Test
  void missingBridgeIsAClearErrorAndLeavesNoRows() throws Exception {
    String missing = bridge + "-missing";
    try (OvsdbSession s = open()) {
      assertThat(s.bridgeExists(bridge)).isTrue();
      assertThat(s.bridgeExists(missing)).isFalse();
      assertThatThrownBy(() -> s.ports(missing))
          .isInstanceOf(OvsdbException.class)
          .hasMessageContaining("bridge " + missing + " does not exist on "
              + OvsdbServers.tcp(server).describe());
      assertThatThrownBy(() -> s.apply(missing, PortChanges.insert(List.of(parked(prefix + 0)))))
          .isInstanceOfSatisfying(OvsdbException.class, e -> {
            assertThat(e.unreachable()).isFalse();
            assertThat(e.getMessage()).contains("bridge " + missing + " does not exist");
          });
      assertThatThrownBy(() -> s.apply(missing, PortChanges.delete(List.of(prefix + 0))))
          .isInstanceOf(OvsdbException.class).hasMessageContaining("does not exist");
    }
    assertThat(vsctl("--columns=name", "find", "Port", "name=" + prefix + 0)).isEmpty();
  }

  @Test
  void aRefusedValueNamesTheStepAndTheServerAnswer() {
    try (OvsdbSession s = open()) {
      OvsPort bad = new OvsPort(prefix + "bad", new PortVlan(5000, new TreeSet<>(), null),
          Map.of());
      assertThatThrownBy(() -> s.apply(bridge, PortChanges.insert(List.of(bad))))
          .isInstanceOf(OvsdbException.class)
          .hasMessageContaining("insert port " + prefix + "bad")
          .hasMessageContaining("constraint violation");
      assertThat(s.ports(bridge)).isEmpty();
    }
  }

  @Test
  void thousandPortsAreReadAndRetaggedInOneTransactionEach() {
    List<OvsPort> inserts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      inserts.add(parked(prefix + i));
    }
    try (OvsdbSession s = open()) {
      long t0 = System.nanoTime();
      s.apply(bridge, PortChanges.insert(inserts));
      long t1 = System.nanoTime();
      Map<String, PortVlan> updates = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        updates.put(prefix + i, PortVlan.access(1 + i % 4000));
      }
      s.apply(bridge, new PortChanges(List.of(), updates, List.of()));
      long t2 = System.nanoTime();
      Map<String, OvsPort> ports = s.ports(bridge);
      long t3 = System.nanoTime();
      assertThat(ports).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(ports.get(prefix + i).vlan()).isEqualTo(PortVlan.access(1 + i % 4000));
      }
      // Informational only (budgets are measured by benchmarks, not asserted here).
      System.out.printf("ovsdb 1000 ports: insert %d ms, read+update %d ms, read %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    }
  }
}
