package dev.hangar.driver.kvm;

import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * ApplyConnectivityChanges on a VXLAN provider: every hypervisor's bridge is read once; each
 * VM's actions are planned on its host with the VNIs mapped to host VLANs; then each host whose
 * bridge must change (its vNICs, its VNI map, its tunnels to the hosts sharing its VNIs) gets
 * one transaction. A host that cannot be read fails its own actions and keeps the tunnels to it
 * as they are; a peer whose tunnel write fails fails the actions on the VNIs it had to change.
 */
final class VxlanRequest {
  private final KvmSettings settings;
  private final OvsPorts ports;
  private final CommandScope scope;

  VxlanRequest(KvmSettings settings, OvsPorts ports, CommandScope scope) {
    this.settings = settings;
    this.ports = ports;
    this.scope = scope;
  }

  /**
   * Applies the intents, grouped by host uri (each VM located); {@code read} gives a VM as it
   * is now under its lock (null: gone), {@code gone} the answer for a VM that is gone.
   */
  List<VlanResult> apply(Map<String, List<VlanIntent>> byHost, Map<String, Hypervisor> hosts,
      Function<VlanIntent, HostVlanBatch.Vm> read, Function<VlanIntent, VlanResult> gone) {
    List<VlanResult> out = new ArrayList<>();
    Map<String, String> unreadable = new HashMap<>();
    List<VxlanMesh.Node> nodes = nodes(unreadable);
    Map<String, HostVlanBatch> batches = new LinkedHashMap<>();
    Map<String, Map<Integer, Integer>> mappings = new HashMap<>();
    Map<String, Set<Integer>> members = new HashMap<>();
    for (VxlanMesh.Node n : nodes) {
      if (n.state() == null) {
        byHost.getOrDefault(n.uri(), List.of()).forEach(i -> out.add(failed(i,
            unreadable.get(n.uri()))));
        continue;
      }
      Map<Integer, Integer> mapping = new HashMap<>(VxlanMesh.vniVlans(n.state()));
      Map<String, PortVlan> planned = Map.of();
      List<VlanIntent> intents = byHost.getOrDefault(n.uri(), List.of());
      if (!intents.isEmpty()) {
        HostVlanBatch batch = new HostVlanBatch(hosts.get(n.uri()), ports, scope);
        planned = prepare(batch, n, intents, mapping, read, gone, out);
        batches.put(n.uri(), batch);
      }
      mappings.put(n.uri(), mapping);
      members.put(n.uri(), VxlanMesh.members(n.state(), mapping, planned));
    }
    Map<Integer, String> peerFailures = new HashMap<>();
    for (VxlanMesh.Node n : nodes) {
      if (n.state() == null) {
        continue;
      }
      PortChanges changes = VxlanMesh.changes(n, mappings.get(n.uri()), members, nodes);
      HostVlanBatch batch = batches.get(n.uri());
      if (batch != null) {
        out.addAll(batch.commit(changes));
      } else if (!changes.isEmpty()) {
        try {
          scope.checkCancelled("writing the tunnels on " + n.uri());
          ports.apply(target(n.uri()), changes);
        } catch (HangarException e) {
          for (int vni : vnisOf(changes)) {
            peerFailures.putIfAbsent(vni, "the tunnels of VNI " + vni + " on " + n.uri()
                + " could not be written: " + e.getMessage() + "; retry the request");
          }
        }
      }
    }
    return withPeerFailures(out, byHost, peerFailures);
  }

  /**
   * Every hypervisor's bridge as it is now, read once; a bridge that cannot be read has a null
   * state and the reason in {@code unreadable}, by uri.
   */
  List<VxlanMesh.Node> nodes(Map<String, String> unreadable) {
    List<VxlanMesh.Node> nodes = new ArrayList<>();
    for (HypervisorTarget t : settings.hypervisors()) {
      BridgeState state = null;
      try {
        state = ports.state(t);
      } catch (HangarException e) {
        unreadable.put(t.uri(), e.getMessage());
      }
      nodes.add(new VxlanMesh.Node(t.uri(), settings.tunnelEndpoint(t), state));
    }
    return nodes;
  }

  /** Maps the intents' VNIs to host VLANs (new ones into {@code mapping}) and plans them. */
  private Map<String, PortVlan> prepare(HostVlanBatch batch, VxlanMesh.Node n,
      List<VlanIntent> intents, Map<Integer, Integer> mapping,
      Function<VlanIntent, HostVlanBatch.Vm> read, Function<VlanIntent, VlanResult> gone,
      List<VlanResult> out) {
    Resolved r = resolve(n, intents, mapping, read, gone, out);
    return batch.prepare(r.intents(), r.vms(), n.state().ports());
  }

  /** The intents of one host that can go on, with host VLANs, and their VMs as read. */
  record Resolved(List<VlanIntent> intents, Map<UUID, HostVlanBatch.Vm> vms) {}

  /**
   * Reads the VMs of one host's intents, checks their bridge, and maps their VNIs to host VLANs
   * (new ones into {@code mapping}); the answers of those that cannot go on go to {@code out}.
   */
  Resolved resolve(VxlanMesh.Node n, List<VlanIntent> intents, Map<Integer, Integer> mapping,
      Function<VlanIntent, HostVlanBatch.Vm> read, Function<VlanIntent, VlanResult> gone,
      List<VlanResult> out) {
    Map<UUID, HostVlanBatch.Vm> vms = new HashMap<>();
    List<VlanIntent> ready = new ArrayList<>();
    Set<Integer> vnis = new TreeSet<>();
    for (VlanIntent i : intents) {
      try {
        HostVlanBatch.Vm vm = vms.containsKey(i.vm()) ? vms.get(i.vm()) : read.apply(i);
        if (vm == null) {
          out.add(gone.apply(i));
          continue;
        }
        vms.put(i.vm(), vm);
        String bridge = vm.view().metadata().ovsBridge();
        if (bridge != null && !bridge.isEmpty() && !bridge.equals(ports.bridge())) {
          out.add(failed(i, "VM " + vm.view().name() + " is on bridge " + bridge + ", not on "
              + ports.bridge() + " where this provider's VXLAN tunnels are"));
          continue;
        }
        ready.add(i);
        if (i.vni() != null) {
          vnis.add(i.vni());
        }
      } catch (HangarException e) {
        out.add(failed(i, e.getMessage()));
      }
    }
    try {
      mapping.putAll(VxlanMesh.allocate(n.state(), vnis, n.uri()));
    } catch (HangarException e) {
      ready.forEach(i -> out.add(failed(i, e.getMessage())));
      ready.clear();
    }
    List<VlanIntent> resolved = ready.stream()
        .map(i -> i.vni() == null ? i : i.onHostVlan(mapping.get(i.vni()))).toList();
    return new Resolved(resolved, vms);
  }

  private HypervisorTarget target(String uri) {
    return settings.hypervisors().stream().filter(t -> t.uri().equals(uri)).findFirst()
        .orElseThrow();
  }

  private static Set<Integer> vnisOf(PortChanges c) {
    Set<Integer> out = new TreeSet<>();
    // Only missing tunnels cut a VNI; a tunnel left behind to a host that left it carries nothing.
    c.inserts().forEach(p -> out.add(Integer.valueOf(p.externalIds().get(
        VxlanMesh.TUNNEL_VNI))));
    return out;
  }

  /** A setVlan whose VNI a peer could not join is failed, saying which peer and why. */
  private static List<VlanResult> withPeerFailures(List<VlanResult> out,
      Map<String, List<VlanIntent>> byHost, Map<Integer, String> peerFailures) {
    if (peerFailures.isEmpty()) {
      return out;
    }
    Map<String, Integer> vniOf = new HashMap<>();
    byHost.values().forEach(l -> l.forEach(i -> {
      if (i.vni() != null) {
        vniOf.put(i.action().actionId(), i.vni());
      }
    }));
    List<VlanResult> fixed = new ArrayList<>();
    for (VlanResult r : out) {
      Integer vni = vniOf.get(r.actionId());
      String why = vni == null ? null : peerFailures.get(vni);
      fixed.add(r.success() && why != null
          ? new VlanResult(r.type(), r.actionId(), false, "", why, r.updatedInterface()) : r);
    }
    return fixed;
  }

  private static VlanResult failed(VlanIntent i, String why) {
    return new VlanResult(i.action().type(), i.action().actionId(), false, "", why, "");
  }
}
