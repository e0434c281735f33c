package dev.hangar.driver.kvm;

import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.PlannedOperation.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a VXLAN ApplyConnectivityChanges would write, writing nothing: the same reads and the
 * same decisions as {@link VxlanRequest#apply} (bridges read once, VNIs mapped to host VLANs,
 * vNIC rows planned by {@link HostVlanBatch#preview}, the mesh worked out by {@link VxlanMesh}),
 * then, instead of one transaction per host, the rows each host's transaction would hold:
 * <ul>
 *   <li>{@code OVS port} rows of the vNICs (as for VLAN);</li>
 *   <li>{@code VXLAN tunnel} rows: {@code create} for a tunnel the host lacks, {@code exists}
 *       for one it keeps (on the request's VNIs), {@code delete} for one it drops;</li>
 *   <li>{@code OVS bridge} rows: the bridge's {@code external_ids} key of a VNI's host VLAN
 *       ({@code hangar-vni-<VNI>}) set or removed.</li>
 * </ul>
 * A mesh row goes with the first action of the request on its VNI that can be planned (the
 * first planned action when none is on it, as a removeVlan's VNI is known only from the row),
 * so every row is listed once; a VNI's tunnels on peers without an action are listed too.
 */
final class VxlanPlan {
  static final String TUNNEL = "VXLAN tunnel";
  static final String BRIDGE = "OVS bridge";
  private final VxlanRequest request;
  private final OvsPorts ports;
  private final CommandScope scope;

  VxlanPlan(VxlanRequest request, OvsPorts ports, CommandScope scope) {
    this.request = request;
    this.ports = ports;
    this.scope = scope;
  }

  /**
   * The plan of each intent, by actionId; {@code order} is the request's action ids in order,
   * {@code read} a VM as it is now (null: gone), {@code gone} the answer for a gone VM.
   */
  Map<String, ActionPlan> plan(List<String> order, Map<String, List<VlanIntent>> byHost,
      Map<String, Hypervisor> hosts, Function<VlanIntent, HostVlanBatch.Vm> read,
      Function<VlanIntent, VlanResult> gone) {
    Map<String, ActionPlan> out = new HashMap<>();
    Map<String, List<PlannedOperation>> ops = new HashMap<>();
    Map<String, String> unreadable = new HashMap<>();
    List<VxlanMesh.Node> nodes = request.nodes(unreadable);
    Map<String, Map<Integer, Integer>> mappings = new HashMap<>();
    Map<String, Set<Integer>> members = new HashMap<>();
    List<VlanResult> early = new ArrayList<>();
    for (VxlanMesh.Node n : nodes) {
      List<VlanIntent> intents = byHost.getOrDefault(n.uri(), List.of());
      if (n.state() == null) {
        intents.forEach(i -> out.put(id(i), ActionPlan.failed(id(i), unreadable.get(n.uri()))));
        continue;
      }
      Map<Integer, Integer> mapping = new HashMap<>(VxlanMesh.vniVlans(n.state()));
      Map<String, dev.hangar.driver.ovsdb.PortVlan> planned = Map.of();
      if (!intents.isEmpty()) {
        VxlanRequest.Resolved r = request.resolve(n, intents, mapping, read, gone, early);
        HostVlanBatch.Preview p = new HostVlanBatch(hosts.get(n.uri()), ports, scope)
            .preview(r.intents(), r.vms(), n.state().ports());
        p.errors().forEach((id, why) -> out.put(id, ActionPlan.failed(id, why)));
        p.operations().forEach((id, list) -> ops.put(id, new ArrayList<>(list)));
        planned = p.planned();
      }
      mappings.put(n.uri(), mapping);
      members.put(n.uri(), VxlanMesh.members(n.state(), mapping, planned));
    }
    // A gone VM's removeVlan succeeds with nothing to do; every other early answer is an error.
    early.forEach(r -> out.put(r.actionId(), new ActionPlan(r.actionId(), List.of(),
        r.success() ? "" : r.errorMessage())));
    Map<Integer, String> owners = owners(order, byHost, ops);
    String fallback = order.stream().filter(ops::containsKey).findFirst().orElse(null);
    for (VxlanMesh.Node n : nodes) {
      if (n.state() == null) {
        continue;
      }
      for (Row row : rows(n, mappings.get(n.uri()), members, nodes, owners.keySet())) {
        String owner = owners.getOrDefault(row.vni(), fallback);
        if (owner != null) {
          ops.get(owner).add(row.op());
        }
      }
    }
    ops.forEach((id, list) -> out.put(id, new ActionPlan(id, list, "")));
    return out;
  }

  /** A mesh row of one host's transaction, and the VNI it serves. */
  private record Row(int vni, PlannedOperation op) {}

  /** The first planned setVlan of each VNI, by VNI. */
  private static Map<Integer, String> owners(List<String> order,
      Map<String, List<VlanIntent>> byHost, Map<String, List<PlannedOperation>> ops) {
    Map<String, Integer> vniOf = new HashMap<>();
    byHost.values().forEach(l -> l.forEach(i -> {
      if (i.vni() != null) {
        vniOf.put(id(i), i.vni());
      }
    }));
    Map<Integer, String> owners = new LinkedHashMap<>();
    for (String id : order) {
      if (ops.containsKey(id) && vniOf.containsKey(id)) {
        owners.putIfAbsent(vniOf.get(id), id);
      }
    }
    return owners;
  }

  /**
   * The mesh rows of {@code self}'s transaction ({@link VxlanMesh#changes}), and the tunnels it
   * keeps on {@code requested} VNIs.
   */
  private List<Row> rows(VxlanMesh.Node self, Map<Integer, Integer> mapping,
      Map<String, Set<Integer>> members, List<VxlanMesh.Node> nodes, Set<Integer> requested) {
    String where = self.uri();
    PortChanges c = VxlanMesh.changes(self, mapping, members, nodes);
    List<Row> rows = new ArrayList<>();
    Map<String, String> ids = self.state().externalIds();
    new java.util.TreeMap<>(c.bridgeIdsSet()).forEach((key, value) -> rows.add(new Row(
        vniOfKey(key), bridgeRow(where, key, ids.get(key), value))));
    new TreeSet<>(c.bridgeIdsDeleted()).forEach(key -> rows.add(new Row(vniOfKey(key),
        bridgeRow(where, key, ids.get(key), null))));
    Set<String> inserted = new java.util.HashSet<>();
    for (OvsPort p : c.inserts()) {
      inserted.add(p.name());
      rows.add(new Row(vniOf(p), tunnelRow(Op.CREATE, where, p)));
    }
    for (OvsPort p : VxlanMesh.tunnels(self, mapping, members, nodes)) {
      if (!inserted.contains(p.name()) && requested.contains(vniOf(p))) {
        rows.add(new Row(vniOf(p), tunnelRow(Op.EXISTS, where, p)));
      }
    }
    for (String name : c.deletes()) {
      OvsPort p = self.state().ports().get(name);
      rows.add(new Row(p == null ? -1 : vniOf(p), new PlannedOperation(Op.DELETE, TUNNEL, name,
          "", where, deleted(p))));
    }
    return rows;
  }

  private PlannedOperation bridgeRow(String where, String key, String before, String after) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("column", "external_ids");
    d.put("key", key);
    d.put("before", before == null ? List.of() : before);
    d.put("after", after == null ? List.of() : after);
    // The bridge row is updated whether its key comes, changes or goes.
    return new PlannedOperation(Op.UPDATE, BRIDGE, ports.bridge(), "", where, d);
  }

  private PlannedOperation tunnelRow(Op op, String where, OvsPort p) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("bridge", ports.bridge());
    d.put("vni", vniOf(p));
    d.put("type", p.ifaceType());
    d.put("options", new java.util.TreeMap<>(p.options()));
    d.put("tag", p.vlan().tag());
    d.put("protected", p.isProtected());
    d.put("external_ids", new java.util.TreeMap<>(p.externalIds()));
    return new PlannedOperation(op, TUNNEL, p.name(), "", where, d);
  }

  private Map<String, Object> deleted(OvsPort p) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("bridge", ports.bridge());
    if (p != null) {
      d.put("vni", vniOf(p));
      d.put("peer", p.externalIds().get(VxlanMesh.TUNNEL_PEER));
      d.put("tag", p.vlan().tag());
    }
    return d;
  }

  private static int vniOf(OvsPort p) {
    try {
      return Integer.parseInt(p.externalIds().get(VxlanMesh.TUNNEL_VNI));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int vniOfKey(String key) {
    try {
      return Integer.parseInt(key.substring(VxlanMesh.VNI_KEY.length()));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return -1;
    }
  }

  private static String id(VlanIntent i) {
    return i.action().actionId();
  }
}
