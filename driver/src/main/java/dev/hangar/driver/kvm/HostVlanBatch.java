package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.datamodel.result.ResultTypes;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The VLAN actions of one request on one hypervisor and bridge: the port rows are read once,
 * missing vNICs hot-plugged, every port change written in one OVSDB transaction (all or
 * nothing: if it fails, every action here reports it and the hot-plugs are undone), then each
 * VM's VLANs recorded in its domain metadata. Rows already as wanted are not written.
 */
final class HostVlanBatch {
  private final Hypervisor host;
  private final OvsPorts ports;
  private final CommandScope scope;
  private final Map<String, VlanResult> results = new LinkedHashMap<>();
  private final Map<String, String> claimed = new HashMap<>();
  private final List<PortPlan> plans = new ArrayList<>();
  private List<VlanIntent> intents = List.of();
  private Map<UUID, Vm> vms = Map.of();
  private Map<String, OvsPort> rows = Map.of();

  /** One VM of the batch as this request found it, and the vNICs it adds to it. */
  record Vm(UUID uuid, Domain domain, DomainView view, String sandboxId,
      List<DomainSpec.OvsNic> added) {}

  /** The port change one action needs; {@code before} is null for a row that is not there. */
  record PortPlan(VlanIntent intent, Vm vm, int index, String device, String mac,
      PortVlan before) {}

  HostVlanBatch(Hypervisor host, OvsPorts ports, CommandScope scope) {
    this.host = host;
    this.ports = ports;
    this.scope = scope;
  }

  /** Applies the intents (each with its VM, located and locked by the caller). */
  List<VlanResult> apply(List<VlanIntent> intents, Map<UUID, Vm> vms) {
    Map<String, OvsPort> rows;
    try {
      rows = ports.read(host.target(), candidates(intents, vms));
    } catch (HangarException e) {
      intents.forEach(i -> fail(i, e.getMessage()));
      return List.copyOf(results.values());
    }
    prepare(intents, vms, rows);
    return commit(PortChanges.insert(List.of()));
  }

  /**
   * The first half of {@link #apply}, on port rows the caller read (a superset of the ones this
   * batch touches is fine): plans every intent and hot-plugs the missing vNICs. Returns the VLAN
   * each planned port will have, by port name; {@link #commit} writes them.
   */
  Map<String, PortVlan> prepare(List<VlanIntent> intents, Map<UUID, Vm> vms,
      Map<String, OvsPort> rows) {
    this.intents = List.copyOf(intents);
    this.vms = vms;
    this.rows = rows;
    for (VlanIntent i : intents) {
      try {
        plan(i, vms.get(i.vm()), rows);
      } catch (HangarException e) {
        fail(i, e.getMessage());
      }
    }
    plugNewNics(vms);
    Map<String, PortVlan> out = new LinkedHashMap<>();
    for (PortPlan p : plans) {
      out.put(p.device(), p.intent().vlan());
    }
    return out;
  }

  /**
   * Writes the planned changes and {@code extra} (changes of other ports or of the bridge this
   * request needs on this host) in one transaction, records the VMs' VLANs, and answers each
   * intent. When the transaction fails, {@code extra} is not applied either.
   */
  List<VlanResult> commit(PortChanges extra) {
    if (write(rows, extra)) {
      record(vms);
    }
    for (PortPlan p : plans) {
      succeed(p);
    }
    return intents.stream().map(i -> results.get(i.action().actionId())).toList();
  }

  /**
   * What {@link #apply} would do: per action, its operations, or the error it would get; and
   * the VLAN each planned port would end with, by port name (as {@link #prepare} returns it).
   */
  record Preview(Map<String, List<PlannedOperation>> operations, Map<String, String> errors,
      Map<String, PortVlan> planned) {}

  /**
   * Plans as {@link #apply} does and stops there: the rows are read, nothing is hot-plugged or
   * written. A vNIC the batch would hot-plug (with a MAC chosen then) and each row it would
   * insert or update are the action's operations; a row already as wanted is {@code exists}.
   */
  Preview preview(List<VlanIntent> intents, Map<UUID, Vm> vms) {
    Map<String, OvsPort> read;
    try {
      read = ports.read(host.target(), candidates(intents, vms));
    } catch (HangarException e) {
      Map<String, String> errors = new LinkedHashMap<>();
      intents.forEach(i -> errors.put(i.action().actionId(), e.getMessage()));
      return new Preview(Map.of(), errors, Map.of());
    }
    return preview(intents, vms, read);
  }

  /** {@link #preview} on port rows the caller read (as {@link #prepare} takes them). */
  Preview preview(List<VlanIntent> intents, Map<UUID, Vm> vms, Map<String, OvsPort> read) {
    Map<String, List<PlannedOperation>> ops = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (VlanIntent i : intents) {
      try {
        plan(i, vms.get(i.vm()), read);
      } catch (HangarException e) {
        fail(i, e.getMessage());
      }
    }
    results.forEach((id, r) -> {
      if (!r.success()) {
        errors.put(id, r.errorMessage());
      }
    });
    for (VlanIntent i : intents) {
      if (!errors.containsKey(i.action().actionId())) {
        ops.put(i.action().actionId(), new ArrayList<>());
      }
    }
    VlanPreview render = new VlanPreview(host.uri(), ports.bridge());
    Map<String, PortVlan> planned = new LinkedHashMap<>();
    for (PortPlan p : plans) {
      ops.get(p.intent().action().actionId()).addAll(render.operations(p));
      planned.put(p.device(), p.intent().vlan());
    }
    return new Preview(ops, errors, planned);
  }

  /**
   * Every port name this batch may touch: the VMs' OVS vNICs, and the names the vNICs it may
   * hot-plug would get (up to the highest index asked for, or one more per action).
   */
  private static Set<String> candidates(List<VlanIntent> intents, Map<UUID, Vm> vms) {
    Set<String> names = new LinkedHashSet<>();
    Map<UUID, Integer> upTo = new HashMap<>();
    for (VlanIntent i : intents) {
      Vm vm = vms.get(i.vm());
      vm.view().ovsNics().forEach(n -> names.add(n.device()));
      int last = upTo.getOrDefault(i.vm(), vm.view().nics().size() - 1) + 1;
      upTo.put(i.vm(), Math.max(last, i.nicIndex() == null ? 0 : i.nicIndex()));
    }
    upTo.forEach((uuid, last) -> {
      for (int n = vms.get(uuid).view().nics().size(); n <= Math.min(last, Names.MAX_NICS - 1);
          n++) {
        names.add(Names.tapName(uuid, n));
      }
    });
    return names;
  }

  private void plan(VlanIntent i, Vm vm, Map<String, OvsPort> rows) {
    DomainView.NicView nic = i.removes() ? removed(i, vm) : chosen(i, vm, rows);
    if (nic == null) {
      return;
    }
    String owner = claimed.putIfAbsent(nic.device(), i.action().actionId());
    if (owner != null) {
      throw new ClientException("vNIC " + nic.index() + " (" + nic.mac() + ") of "
          + vm.view().name() + " is already changed by action " + owner + " of this request");
    }
    OvsPort row = rows.get(nic.device());
    if (row == null && i.removes()) {
      results.put(i.action().actionId(), ok(i, nic.mac(), "the port of vNIC " + nic.index()
          + " of " + vm.view().name() + " is already gone; nothing to disconnect"));
      return;
    }
    plans.add(new PortPlan(i, vm, nic.index(), nic.device(), nic.mac(),
        row == null ? null : row.vlan()));
  }

  /** removeVlan: the vNIC with the MAC (or index/name); null when it is gone (success). */
  private DomainView.NicView removed(VlanIntent i, Vm vm) {
    DomainView.NicView nic = BatchNics.find(i, vm);
    if (nic == null) {
      results.put(i.action().actionId(), ok(i, i.nicKey() == null ? "" : i.nicKey(), "VM "
          + vm.view().name() + " has no vNIC " + BatchNics.requested(i)
          + " any more; nothing to disconnect"));
      return null;
    }
    BatchNics.requireOvs(nic, vm);
    return nic;
  }

  /** setVlan: the requested vNIC, else the first parked one, else a new one. */
  private DomainView.NicView chosen(VlanIntent i, Vm vm, Map<String, OvsPort> rows) {
    if (i.nicIndex() != null && i.nicIndex() >= BatchNics.nicCount(vm)) {
      return BatchNics.plugUpTo(vm, i.nicIndex());
    }
    if (i.nicIndex() != null || i.nicKey() != null) {
      DomainView.NicView nic = BatchNics.find(i, vm);
      if (nic == null) {
        throw new ClientException("VM " + vm.view().name() + " has no vNIC "
            + BatchNics.requested(i) + "; its vNICs are " + BatchNics.describe(vm));
      }
      BatchNics.requireOvs(nic, vm);
      return nic;
    }
    for (DomainView.NicView nic : BatchNics.allNics(vm)) {
      OvsPort row = rows.get(nic.device());
      boolean parked = row == null || row.vlan().isParked();
      if (nic.onOvs() && parked && !claimed.containsKey(nic.device())) {
        return nic;
      }
    }
    return BatchNics.plugUpTo(vm, BatchNics.nicCount(vm));
  }

  private void plugNewNics(Map<UUID, Vm> vms) {
    for (Vm vm : vms.values()) {
      List<DomainSpec.OvsNic> done = new ArrayList<>();
      try {
        for (DomainSpec.OvsNic nic : vm.added()) {
          scope.checkCancelled("hot-plugging vNIC " + nic.index() + " into " + vm.view().name());
          DomainEdits.attach(host, vm.domain(), nic);
          done.add(nic);
        }
      } catch (HangarException | LibvirtException e) {
        String why = e instanceof LibvirtException le
            ? LibvirtErrors.wrap("hot-plug a vNIC into " + vm.view().name(), host.uri(), le)
                .getMessage() : e.getMessage();
        unplug(vm, done);
        vm.added().clear();
        failAll(p -> p.vm() == vm, why);
      }
    }
  }

  /** One transaction with every row that differs; false (all failed, unplugged) if it fails. */
  private boolean write(Map<String, OvsPort> rows, PortChanges extra) {
    List<OvsPort> inserts = new ArrayList<>();
    Map<String, PortVlan> updates = new LinkedHashMap<>();
    for (PortPlan p : plans) {
      PortVlan want = p.intent().vlan();
      if (p.before() == null) {
        inserts.add(port(p.vm(), p.index(), p.device(), p.mac(), want));
      } else if (!p.before().equals(want)) {
        updates.put(p.device(), want);
      }
    }
    for (PortPlanGap gap : gaps(rows)) {
      inserts.add(port(gap.vm(), gap.nic().index(), gap.nic().device(), gap.nic().mac(),
          PortVlan.parked()));
    }
    PortChanges changes = new PortChanges(inserts, updates, List.of()).plus(extra);
    if (changes.isEmpty()) {
      return true;
    }
    try {
      scope.checkCancelled("writing the port changes on " + host.uri());
      ports.apply(host.target(), changes);
      return true;
    } catch (HangarException e) {
      for (Vm vm : vmsOfPlans()) {
        unplug(vm, vm.added());
      }
      failAll(p -> true, e.getMessage());
      return false;
    }
  }

  /** Hot-plugged vNICs no action targets (the ones before a requested index): parked rows. */
  private record PortPlanGap(Vm vm, DomainSpec.OvsNic nic) {}

  private List<PortPlanGap> gaps(Map<String, OvsPort> rows) {
    List<PortPlanGap> out = new ArrayList<>();
    for (Vm vm : vmsOfPlans()) {
      for (DomainSpec.OvsNic nic : vm.added()) {
        if (!claimed.containsKey(nic.device()) && !rows.containsKey(nic.device())) {
          out.add(new PortPlanGap(vm, nic));
        }
      }
    }
    return out;
  }

  /** Records each VM's new VLANs in its definition; a VM whose record fails is reverted. */
  private void record(Map<UUID, Vm> vms) {
    Map<UUID, Map<String, PortVlan>> byVm = new LinkedHashMap<>();
    for (PortPlan p : plans) {
      byVm.computeIfAbsent(p.vm().uuid(), u -> new HashMap<>()).put(p.device(),
          p.intent().vlan());
    }
    List<VlanRecordCheck.Recorded> recorded = new ArrayList<>();
    for (Vm vm : vmsOfPlans()) {
      Map<String, PortVlan> vlans = byVm.get(vm.uuid());
      try {
        VmMetadata wrote = vm.view().metadata().withVlans(vlans);
        DomainEdits.writeMetadata(host, vm.domain(), wrote);
        recorded.add(new VlanRecordCheck.Recorded(vm.domain(), vm.view(), wrote));
      } catch (LibvirtException e) {
        String why = LibvirtErrors.wrap("record the VLANs of " + vm.view().name(), host.uri(), e)
            .getMessage();
        revert(vm);
        failAll(p -> p.vm() == vm, why + "; the port changes were undone");
      }
    }
    VlanRecordCheck.settle(host, ports, recorded);
  }

  private void revert(Vm vm) {
    Map<String, PortVlan> back = new LinkedHashMap<>();
    List<String> drop = new ArrayList<>();
    for (PortPlan p : plans) {
      if (p.vm() == vm) {
        if (p.before() == null) {
          drop.add(p.device());
        } else {
          back.put(p.device(), p.before());
        }
      }
    }
    try {
      ports.apply(host.target(), new PortChanges(List.of(), back, drop));
    } catch (HangarException e) {
      // The failure message already says the change did not complete; a retry reconciles.
    }
    unplug(vm, vm.added());
  }

  private void unplug(Vm vm, List<DomainSpec.OvsNic> nics) {
    for (int n = nics.size() - 1; n >= 0; n--) {
      try {
        DomainEdits.detach(host, vm.domain(), nics.get(n));
      } catch (LibvirtException | HangarException e) {
        // Left as a parked-less vNIC on no bridge: isolated; the next setVlan reuses it.
      }
    }
  }

  /** The VMs with planned changes, each once, in plan order (by uuid: records compare deeply). */
  private Collection<Vm> vmsOfPlans() {
    Map<UUID, Vm> out = new LinkedHashMap<>();
    for (PortPlan p : plans) {
      out.putIfAbsent(p.vm().uuid(), p.vm());
    }
    return out.values();
  }

  private void failAll(java.util.function.Predicate<PortPlan> which, String why) {
    plans.removeIf(p -> {
      if (which.test(p)) {
        fail(p.intent(), why);
        return true;
      }
      return false;
    });
  }

  private void succeed(PortPlan p) {
    VlanIntent i = p.intent();
    String name = p.vm().view().name();
    String what = "vNIC " + p.index() + " (" + p.device() + ") of " + name;
    String info = p.before() != null && p.before().equals(i.vlan())
        ? what + " was already " + i.describe()
        : what + " is now " + i.describe();
    results.put(i.action().actionId(), ok(i, p.mac(), info));
  }

  private void fail(VlanIntent i, String why) {
    results.put(i.action().actionId(), new VlanResult(type(i), i.action().actionId(), false, "",
        why, ""));
  }

  private static VlanResult ok(VlanIntent i, String mac, String info) {
    return new VlanResult(type(i), i.action().actionId(), true, info, "", mac);
  }

  private static String type(VlanIntent i) {
    return i.removes() ? ResultTypes.REMOVE_VLAN : ResultTypes.SET_VLAN;
  }

  private static OvsPort port(Vm vm, int index, String device, String mac, PortVlan vlan) {
    return OvsPorts.port(vm.uuid().toString(), vm.sandboxId(), index, device, mac, vlan);
  }
}
