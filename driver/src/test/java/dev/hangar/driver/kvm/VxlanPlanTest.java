package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.ThreeVxlanHosts.IPS;
import static dev.hangar.driver.kvm.VlanRequests.removeVlan;
import static dev.hangar.driver.kvm.VlanRequests.setVlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar plan ApplyConnectivityChanges} with VLAN Type VXLAN on three libvirt test-driver
 * hosts, each with its own real ovsdb-server: the plan changes no row anywhere, and its rows
 * (vNIC ports, tunnel ports created, kept and deleted, the bridges' VNI keys) are, host by host
 * and row for row, what the command then writes.
 */
class VxlanPlanTest {
  private static final WireCodec CODEC = WireCodec.standard();

  private ThreeVxlanHosts hosts;
  private KvmTestbed bed;
  private CommandPlanning planning;
  /** The results of the command {@link #planAndApply} ran last. */
  private JsonNode results;

  @BeforeEach
  void start() throws Exception {
    hosts = new ThreeVxlanHosts(new KvmTestbed());
    bed = hosts.bed;
    planning = new CommandPlanning(BackendRegistry.empty().register(bed.provider), c -> bed.api);
  }

  @AfterEach
  void stop() {
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void aHostJoiningAndLeavingAVniIsPlannedRowForRowAsTheCommandWritesIt() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode a3 = hosts.deployOn(2, "a3");
    JsonNode set = VlanRequests.apply(bed, setVlan("s1", a1, "5000", "Access"),
        setVlan("s2", a2, "5000", "Access"));
    assertOk(set);

    // Host 3 joins VNI 5000: its vNIC, its VNI key, tunnels to both; both peers tunnel to it
    // and keep their tunnel to each other.
    JsonNode join = planAndApply(List.of(setVlan("s3", a3, "5000", "Access")));
    List<JsonNode> ops = list(join.get(0).path("operations"));
    assertThat(ops).extracting(o -> o.path("op").asText() + " " + o.path("kind").asText() + " "
        + host(o)).containsExactlyInAnyOrder(
        "update OVS port 2", "update OVS bridge 2",
        "create VXLAN tunnel 2", "create VXLAN tunnel 2",
        "create VXLAN tunnel 0", "create VXLAN tunnel 1",
        "exists VXLAN tunnel 0", "exists VXLAN tunnel 1");

    // Host 3 leaves it again: every tunnel to or from it goes, and its VNI key.
    JsonNode leave = planAndApply(List.of(removeVlan("r3", a3, "5000",
        results.get(0).path("updatedInterface").asText())));
    assertThat(list(leave.get(0).path("operations"))).extracting(o -> o.path("op").asText()
        + " " + o.path("kind").asText() + " " + host(o)).containsExactlyInAnyOrder(
        "update OVS port 2", "update OVS bridge 2",
        "delete VXLAN tunnel 2", "delete VXLAN tunnel 2",
        "delete VXLAN tunnel 0", "delete VXLAN tunnel 1");
  }

  @Test
  void twoNewVnisAcrossHostsAndABadActionArePlannedAsTheCommandDoesThem() throws Exception {
    JsonNode a1 = hosts.deployOn(0, "a1");
    JsonNode a2 = hosts.deployOn(1, "a2");
    JsonNode b1 = hosts.deployOn(0, "b1");
    JsonNode b3 = hosts.deployOn(2, "b3");

    JsonNode plan = planAndApply(List.of(setVlan("a1", a1, "5000", "Access"),
        setVlan("a2", a2, "5000", "Access"), setVlan("b1", b1, "70000", "Access"),
        setVlan("b3", b3, "70000", "Access"),
        VlanRequests.withVnic(setVlan("trunk", a1, "6000-6001", "Trunk"), "2")));

    assertThat(plan.get(4).path("success").asBoolean()).isFalse();
    assertThat(plan.get(4).path("error").asText()).contains("Trunk mode is not supported");
    // Each VNI's mesh rows go with its first action; the second action has its vNIC row only.
    assertThat(list(plan.get(0).path("operations"))).extracting(o -> o.path("kind").asText()
        + " " + host(o)).containsExactlyInAnyOrder("OVS port 0", "OVS bridge 0",
        "OVS bridge 1", "VXLAN tunnel 0", "VXLAN tunnel 1");
    assertThat(list(plan.get(1).path("operations"))).extracting(o -> o.path("kind").asText())
        .containsExactly("OVS port");
    JsonNode tunnel = list(plan.get(2).path("operations")).stream()
        .filter(o -> o.path("kind").asText().equals("VXLAN tunnel") && host(o) == 0)
        .findFirst().orElseThrow();
    assertThat(tunnel.path("name").asText()).isEqualTo(VxlanMesh.tunnelName(70000, IPS.get(2)));
    assertThat(tunnel.path("details").path("tag").asInt()).as("VNI 70000's host VLAN on host 1")
        .isEqualTo(2);
  }

  /**
   * Plans the actions, checks that the plan changed no row on any host, runs them, and checks
   * that the rows each host changed are exactly the planned ones; returns the plan's entries.
   */
  private JsonNode planAndApply(List<Map<String, Object>> actions) throws Exception {
    String request = Contexts.request(actions.stream().map(CODEC::write).toArray(String[]::new));
    List<Rows> before = rows();
    JsonNode plan = CODEC.readTree(planning.plan(Command.APPLY_CONNECTIVITY_CHANGES,
        context(), request), "plan").path("plan");
    assertThat(rows()).as("the rows after the plan").isEqualTo(before);

    @SuppressWarnings("unchecked")
    JsonNode applied = VlanRequests.apply(bed, actions.toArray(Map[]::new));
    results = applied;
    List<Rows> after = rows();
    for (int i = 0; i < actions.size(); i++) {
      assertThat(plan.get(i).path("success").asBoolean()).as(plan.get(i).toString())
          .isEqualTo(applied.get(i).path("success").asBoolean());
    }
    List<JsonNode> ops = new ArrayList<>();
    plan.forEach(e -> ops.addAll(list(e.path("operations"))));
    for (int h = 0; h < 3; h++) {
      int host = h;
      List<JsonNode> here = ops.stream().filter(o -> host(o) == host).toList();
      Rows b = before.get(h);
      Rows a = after.get(h);
      Map<String, String> created = new TreeMap<>();
      Map<String, String> updated = new TreeMap<>();
      List<String> deleted = new ArrayList<>();
      a.ports().forEach((name, row) -> {
        if (!b.ports().containsKey(name)) {
          created.put(name, row);
        } else if (!row.equals(b.ports().get(name))) {
          updated.put(name, row);
        }
      });
      b.ports().keySet().stream().filter(n -> !a.ports().containsKey(n)).forEach(deleted::add);
      Map<String, String> keys = new TreeMap<>();
      a.vniKeys().forEach((k, v) -> {
        if (!v.equals(b.vniKeys().get(k))) {
          keys.put(k, v);
        }
      });
      b.vniKeys().keySet().stream().filter(k -> !a.vniKeys().containsKey(k))
          .forEach(k -> keys.put(k, "[]"));

      assertThat(planned(here, "create", null)).as("rows created on host " + h)
          .isEqualTo(created);
      assertThat(planned(here, "update", "OVS port")).as("ports updated on host " + h)
          .isEqualTo(updated);
      assertThat(here.stream().filter(o -> o.path("op").asText().equals("delete"))
          .map(o -> o.path("name").asText()).sorted().toList()).as("deleted on host " + h)
          .isEqualTo(deleted.stream().sorted().toList());
      Map<String, String> plannedKeys = new TreeMap<>();
      here.stream().filter(o -> o.path("kind").asText().equals("OVS bridge")).forEach(o ->
          plannedKeys.put(o.path("details").path("key").asText(),
              text(o.path("details").path("after"))));
      assertThat(plannedKeys).as("VNI keys of host " + h).isEqualTo(keys);
      for (JsonNode o : here) {
        String name = o.path("name").asText();
        if (o.path("op").asText().equals("exists")) {
          assertThat(b.ports()).as("kept on host " + h).containsKey(name);
          assertThat(a.ports().get(name)).isEqualTo(b.ports().get(name));
        }
        if (o.path("kind").asText().equals("VXLAN tunnel")
            && o.path("op").asText().equals("create")) {
          // The exact interface row: type and options, as ovs-vsctl shows them.
          assertThat(hosts.vsctl(h, "interface", name, "type")).isEqualTo("vxlan");
          assertThat(hosts.vsctl(h, "interface", name, "options")).isEqualTo(options(o));
          assertThat(hosts.vsctl(h, "port", name, "protected")).isEqualTo("true");
        }
      }
    }
    return plan;
  }

  /** The planned rows of an op (and kind), port name to VLAN columns after. */
  private static Map<String, String> planned(List<JsonNode> ops, String op, String kind) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode o : ops) {
      String k = o.path("kind").asText();
      if (o.path("op").asText().equals(op) && !k.equals("OVS bridge")
          && (kind == null || kind.equals(k))) {
        JsonNode d = o.path("details");
        out.put(o.path("name").asText(), k.equals("VXLAN tunnel")
            ? cols(PortVlan.access(d.path("tag").asInt()))
            : text(d.path("after").path("tag")) + " " + text(d.path("after").path("trunks"))
                + " " + text(d.path("after").path("vlan_mode")));
      }
    }
    return out;
  }

  private static String options(JsonNode op) {
    List<String> parts = new ArrayList<>();
    op.path("details").path("options").fields().forEachRemaining(e ->
        parts.add(e.getKey() + "=\"" + e.getValue().asText() + "\""));
    return "{" + String.join(", ", parts) + "}";
  }

  private static String text(JsonNode v) {
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(x -> items.add(x.asText()));
      return "[" + String.join(", ", items) + "]";
    }
    return v.asText();
  }

  private static String cols(PortVlan v) {
    return (v.tag() == null ? "[]" : String.valueOf(v.tag())) + " " + "[" + v.trunks().stream()
        .map(String::valueOf).collect(Collectors.joining(", ")) + "] "
        + (v.vlanMode() == null ? "[]" : v.vlanMode());
  }

  /** One host's bridge: every port's VLAN columns, and the bridge's VNI keys. */
  private record Rows(Map<String, String> ports, Map<String, String> vniKeys) {}

  private List<Rows> rows() {
    List<Rows> out = new ArrayList<>();
    for (int h = 0; h < 3; h++) {
      BridgeState b = hosts.bridge(h);
      Map<String, String> ports = new TreeMap<>();
      for (OvsPort p : b.ports().values()) {
        ports.put(p.name(), cols(p.vlan()));
      }
      Map<String, String> keys = new TreeMap<>();
      b.externalIds().forEach((k, v) -> {
        if (k.startsWith(VxlanMesh.VNI_KEY)) {
          keys.put(k, v);
        }
      });
      out.add(new Rows(ports, keys));
    }
    return out;
  }


  private int host(JsonNode op) {
    return hosts.host(op.path("where").asText());
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static void assertOk(JsonNode results) {
    for (JsonNode r : results) {
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    }
  }

  private String context() {
    return "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(bed.attributes) + "},\"reservation\":{"
        + "\"reservation_id\":\"res-1\"}}";
  }
}
