package dev.hangar.driver.kvm;

import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployPolicy;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.PlannedOperation.Op;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.libvirt.LibvirtException;

/**
 * Plans on KVM, reading only: the same {@link VmPlan}, names, placement and checks as
 * {@link KvmDeployer}, but no lock, no memory taken in the ledger, nothing defined or written.
 */
final class KvmPlanner implements Planner {
  private static final String DOMAIN = "domain";
  private static final String VOLUME = "volume";
  private static final String PORT = "OVS port";
  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;
  private final Supplier<DeployPolicy> policy;
  private final KvmL2Fabric l2;

  KvmPlanner(KvmSettings settings, KvmRuntime runtime, VmLocator locator,
      Supplier<DeployPolicy> policy, KvmL2Fabric l2) {
    this.l2 = l2;
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
    this.policy = policy;
  }

  @Override
  public Optional<List<PlannedOperation>> deploy(DeployRequest request, CommandScope scope) {
    VmPlan plan = VmPlan.of(request, scope.reservationId());
    // Read for its checks: a Sandbox Lifetime the Deploy would refuse fails the plan too.
    DeployPolicy lease = policy.get();
    VmLocator.Reach reach = locator.reach("");
    Optional<VmLocator.Located> earlier = locator.findOn(reach.up(), plan.uuid().toString());
    try {
      if (earlier.isPresent()) {
        return Optional.of(existing(earlier.get()));
      }
      Hypervisor host = Placement.preview(settings.areas().forDeploy(reach, plan.area()),
          plan.memoryMiB(), settings.virtualization(), runtime.memory());
      return Optional.of(creates(plan, host, reach, lease));
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("plan deploying " + plan.name(), earlier.map(l -> l.host().uri())
          .orElse(""), e);
    } finally {
      earlier.ifPresent(l -> free(l.domain()));
    }
  }

  @Override
  public Optional<List<ActionPlan>> connectivity(List<VlanAction> actions, CommandScope scope) {
    return Optional.of(l2.plan(actions, scope));
  }

  /** A retried Deploy finds this VM and only finishes it: everything it has is reused. */
  private List<PlannedOperation> existing(VmLocator.Located found) throws LibvirtException {
    String where = found.host().uri();
    DomainView view = DomainView.parse(found.domain().getXMLDesc(0));
    List<PlannedOperation> ops = new ArrayList<>();
    if (view.metadata() != null) {
      for (String volume : view.metadata().volumes()) {
        ops.add(new PlannedOperation(Op.EXISTS, VOLUME, volume, "", where, Map.of()));
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("active", found.domain().isActive() == 1);
    d.put("note", "made by an earlier attempt of this Deploy; it would be started, not made");
    ops.add(new PlannedOperation(Op.EXISTS, DOMAIN, view.name(), view.uuid(), where, d));
    for (DomainView.NicView nic : view.ovsNics()) {
      ops.add(new PlannedOperation(Op.EXISTS, PORT, nic.device(), "", where,
          Map.of("bridge", settings.ovsBridge(), "mac", nic.mac())));
    }
    return ops;
  }

  private List<PlannedOperation> creates(VmPlan plan, Hypervisor host, VmLocator.Reach reach,
      DeployPolicy lease) throws LibvirtException {
    String where = host.uri();
    String pool = settings.storagePool();
    List<PlannedOperation> ops = new ArrayList<>();
    if (!settings.managementNetwork().isEmpty()) {
      ManagementNetwork.check(host, settings.managementNetwork());
    }
    Map<String, Object> dom = new LinkedHashMap<>();
    dom.put("app", plan.appName());
    dom.put("domainType", settings.virtualization().domainType(host.domainTypes()).orElseThrow());
    dom.put("memoryMiB", plan.memoryMiB());
    dom.put("vcpus", plan.vcpus());
    dom.put("boot", plan.fromTemplate() ? "disk" : "kernel " + plan.kernel().kernel());
    dom.put("managementNetwork", settings.managementNetwork());
    dom.put("hostFreeMemoryMiB", runtime.memory().free(host) >> 20);
    dom.put("expires", lease.lease().expiresMark());
    if (!reach.down().isEmpty()) {
      dom.put("skippedHypervisors", VmLocator.describe(reach.down()));
    }
    ops.add(new PlannedOperation(Op.CREATE, DOMAIN, plan.name(), plan.uuid().toString(), where,
        dom));
    // Deploy defines the domain before it makes the volumes its metadata names.
    if (plan.fromTemplate()) {
      Volumes.pool(host, pool); // the Deploy fails here when the pool is missing
      Map<String, Object> disk = new LinkedHashMap<>();
      disk.put("pool", pool);
      disk.put("format", "qcow2");
      disk.put("backingVolume", plan.template());
      disk.put("linkedClone", true);
      disk.put("capacityGiB", plan.diskGiB() == 0 ? "the template's" : plan.diskGiB());
      ops.add(new PlannedOperation(Op.CREATE, VOLUME, pool + "/" + plan.name() + "-disk0.qcow2",
          "", where, disk));
      if (!plan.userData().isEmpty()) {
        ops.add(new PlannedOperation(Op.CREATE, VOLUME, pool + "/" + plan.name() + "-seed.iso",
            "", where, Map.of("pool", pool, "format", "raw", "readonly", true,
            "content", "cloud-init NoCloud seed (user-data, meta-data)")));
      }
    }
    int first = settings.managementNetwork().isEmpty() ? 0 : 1;
    for (int i = 0; i < plan.extraNics(); i++) {
      int index = first + i;
      Map<String, Object> port = new LinkedHashMap<>();
      port.put("bridge", settings.ovsBridge());
      port.put("nic", index);
      port.put("tag", PortVlan.PARKED_TAG);
      port.put("protected", true);
      port.put("vm-id", plan.uuid().toString());
      ops.add(new PlannedOperation(Op.CREATE, PORT, Names.tapName(plan.uuid(), index), "",
          where, port));
    }
    return ops;
  }

  private static void free(org.libvirt.Domain d) {
    try {
      d.free();
    } catch (LibvirtException e) {
      // only a handle: nothing to undo
    }
  }
}
