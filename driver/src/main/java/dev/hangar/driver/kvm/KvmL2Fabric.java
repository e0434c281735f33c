package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.ResultTypes;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.L2Fabric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.LibvirtException;

/**
 * ApplyConnectivityChanges on KVM: the actions are grouped by the hypervisor their VM is on (and
 * the bridge it records), and each group is applied as one {@link HostVlanBatch}. A host that
 * fails fails only its own actions.
 */
final class KvmL2Fabric implements L2Fabric {
  private final KvmRuntime runtime;
  private final VmLocator locator;
  private final OvsPorts ports;
  private final KvmSettings settings;

  KvmL2Fabric(KvmRuntime runtime, VmLocator locator, OvsPorts ports, KvmSettings settings) {
    this.runtime = runtime;
    this.locator = locator;
    this.ports = ports;
    this.settings = settings;
  }

  /** Where one VM was looked for: found, gone, or an error saying why it could not be told. */
  private record Lookup(VmLocator.Located at, String error) {}

  /**
   * Actions grouped by the host of their VM, once the VMs are found; an action that cannot go on
   * (a bad request, a VM gone or not found) already has its result in {@code early}.
   */
  private record Grouped(Map<UUID, Lookup> lookups, Map<String, List<VlanIntent>> byHost,
      Map<String, Hypervisor> hosts, Map<String, VlanResult> early) {}

  private Grouped group(List<VlanAction> actions) {
    Grouped g = new Grouped(new HashMap<>(), new LinkedHashMap<>(), new HashMap<>(),
        new HashMap<>());
    for (VlanAction a : actions) {
      try {
        VlanIntent i = VlanIntent.of(a, settings.segments());
        Lookup l = g.lookups().computeIfAbsent(i.vm(), vm -> lookup(vm, i.hostHint()));
        if (l.error() != null) {
          g.early().put(a.actionId(), failed(a, l.error()));
        } else if (l.at() == null) {
          g.early().put(a.actionId(), gone(i));
        } else {
          g.hosts().putIfAbsent(l.at().host().uri(), l.at().host());
          g.byHost().computeIfAbsent(l.at().host().uri(), h -> new ArrayList<>()).add(i);
        }
      } catch (HangarException e) {
        g.early().put(a.actionId(), failed(a, e.getMessage()));
      }
    }
    return g;
  }

  @Override
  public List<VlanResult> apply(List<VlanAction> actions, CommandScope scope) {
    Grouped g = group(actions);
    Map<String, VlanResult> results = new HashMap<>(g.early());
    Map<UUID, Lookup> lookups = g.lookups();
    Map<String, List<VlanIntent>> byHost = g.byHost();
    Map<String, Hypervisor> hosts = g.hosts();
    if (settings.segments() == SegmentKind.VXLAN) {
      if (!byHost.isEmpty()) {
        vxlan(byHost, hosts, lookups, scope).forEach(r -> results.put(r.actionId(), r));
      }
    } else {
      byHost.forEach((uri, intents) -> {
        for (VlanResult r : onHost(hosts.get(uri), intents, lookups, scope)) {
          results.put(r.actionId(), r);
        }
      });
    }
    return actions.stream().map(a -> results.get(a.actionId())).toList();
  }

  /**
   * What {@link #apply} would write, writing nothing: the VMs are found and read (no lock: a
   * plan holds nothing), then each host's batch previews its changes; with VXLAN, the mesh's
   * rows on every host too ({@link VxlanPlan}).
   */
  List<ActionPlan> plan(List<VlanAction> actions, CommandScope scope) {
    Grouped g = group(actions);
    Map<String, ActionPlan> out = new HashMap<>();
    // A gone VM's removeVlan succeeds with nothing to do; every other early result is its error.
    g.early().forEach((id, r) -> out.put(id, new ActionPlan(id, List.of(), r.errorMessage())));
    if (settings.segments() == SegmentKind.VXLAN) {
      if (!g.byHost().isEmpty()) {
        Map<UUID, HostVlanBatch.Vm> vms = new HashMap<>();
        out.putAll(new VxlanPlan(new VxlanRequest(settings, ports, scope), ports, scope).plan(
            actions.stream().map(VlanAction::actionId).toList(), g.byHost(), g.hosts(),
            i -> vms.computeIfAbsent(i.vm(), u -> read(g.lookups().get(u).at().host(),
                g.lookups().get(u))), KvmL2Fabric::gone));
      }
      return actions.stream().map(a -> out.get(a.actionId())).toList();
    }
    Map<UUID, Lookup> lookups = g.lookups();
    Map<String, List<VlanIntent>> byHost = g.byHost();
    Map<String, Hypervisor> hosts = g.hosts();
    byHost.forEach((uri, intents) -> {
      Hypervisor host = hosts.get(uri);
      Map<UUID, HostVlanBatch.Vm> vms = new HashMap<>();
      Map<String, List<VlanIntent>> byBridge = new LinkedHashMap<>();
      for (VlanIntent i : intents) {
        try {
          HostVlanBatch.Vm vm = vms.computeIfAbsent(i.vm(), u -> read(host, lookups.get(u)));
          if (vm == null) {
            VlanResult r = gone(i);
            out.put(i.action().actionId(), new ActionPlan(i.action().actionId(), List.of(),
                r.errorMessage()));
            continue;
          }
          byBridge.computeIfAbsent(vm.view().metadata().ovsBridge(), b -> new ArrayList<>())
              .add(i);
        } catch (HangarException e) {
          out.put(i.action().actionId(), ActionPlan.failed(i.action().actionId(),
              e.getMessage()));
        }
      }
      byBridge.forEach((bridge, group) -> {
        HostVlanBatch.Preview p = new HostVlanBatch(host, ports.on(bridge), scope)
            .preview(group, vms);
        p.errors().forEach((id, why) -> out.put(id, ActionPlan.failed(id, why)));
        p.operations().forEach((id, ops) -> out.put(id, new ActionPlan(id, ops, "")));
      });
    });
    return actions.stream().map(a -> out.get(a.actionId())).toList();
  }

  /** A VXLAN request spans hosts (peers get tunnels): all its VMs are locked at once. */
  private List<VlanResult> vxlan(Map<String, List<VlanIntent>> byHost,
      Map<String, Hypervisor> hosts, Map<UUID, Lookup> lookups, CommandScope scope) {
    List<UUID> uuids = byHost.values().stream().flatMap(List::stream).map(VlanIntent::vm)
        .distinct().toList();
    try (VmLocks.Held mesh = runtime.locks().lockMesh(scope);
        VmLocks.Held held = runtime.locks().lockAll(uuids, scope)) {
      Map<UUID, HostVlanBatch.Vm> vms = new HashMap<>();
      return new VxlanRequest(settings, ports, scope).apply(byHost, hosts,
          i -> vms.computeIfAbsent(i.vm(), u -> read(lookups.get(u).at().host(), lookups.get(u))),
          KvmL2Fabric::gone);
    }
  }

  private Lookup lookup(UUID vm, String hint) {
    try {
      Optional<VmLocator.Located> at = locator.find(vm.toString(), hint == null ? "" : hint);
      return new Lookup(at.orElse(null), null);
    } catch (HangarException e) {
      return new Lookup(null, e.getMessage());
    }
  }

  /** The VMs of one host, locked, read once, then one batch per bridge they record. */
  private List<VlanResult> onHost(Hypervisor host, List<VlanIntent> intents,
      Map<UUID, Lookup> lookups, CommandScope scope) {
    List<VlanResult> out = new ArrayList<>();
    List<UUID> uuids = intents.stream().map(VlanIntent::vm).distinct().toList();
    try (VmLocks.Held mesh = runtime.locks().lockMesh(scope);
        VmLocks.Held held = runtime.locks().lockAll(uuids, scope)) {
      Map<UUID, HostVlanBatch.Vm> vms = new HashMap<>();
      Map<String, List<VlanIntent>> byBridge = new LinkedHashMap<>();
      for (VlanIntent i : intents) {
        try {
          HostVlanBatch.Vm vm = vms.computeIfAbsent(i.vm(), u -> read(host, lookups.get(u)));
          if (vm == null) {
            out.add(gone(i));
            continue;
          }
          byBridge.computeIfAbsent(vm.view().metadata().ovsBridge(), b -> new ArrayList<>())
              .add(i);
        } catch (HangarException e) {
          out.add(failed(i.action(), e.getMessage()));
        }
      }
      byBridge.forEach((bridge, group) -> out.addAll(
          new HostVlanBatch(host, ports.on(bridge), scope).apply(group, vms)));
    }
    return out;
  }

  /** The VM as it is now (under its lock); null when it went away since it was found. */
  private static HostVlanBatch.Vm read(Hypervisor host, Lookup found) {
    try {
      DomainView view = DomainView.parse(found.at().domain().getXMLDesc(0));
      if (view.metadata() == null) {
        throw new ClientException("VM " + view.name() + " on " + host.uri() + " was not made"
            + " by Hangar; refusing to change its vNICs");
      }
      return new HostVlanBatch.Vm(UUID.fromString(view.uuid()), found.at().domain(), view,
          view.metadata().sandboxId(), new ArrayList<>());
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return null;
      }
      throw LibvirtErrors.wrap("read a VM", host.uri(), e);
    }
  }

  /** setVlan on a VM that is gone fails; removeVlan succeeds (teardown may come after delete). */
  private static VlanResult gone(VlanIntent i) {
    String what = "VM " + i.vm() + " no longer exists on any hypervisor of this provider";
    return i.removes()
        ? new VlanResult(ResultTypes.REMOVE_VLAN, i.action().actionId(), true,
            what + "; nothing to disconnect", "", i.nicKey() == null ? "" : i.nicKey())
        : new VlanResult(ResultTypes.SET_VLAN, i.action().actionId(), false, "",
            what + "; redeploy the app", "");
  }

  private static VlanResult failed(VlanAction a, String why) {
    return new VlanResult(a.type(), a.actionId(), false, "", why, "");
  }
}
