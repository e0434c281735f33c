package dev.hangar.driver.kvm;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** VMs on libvirt hypervisors. */
final class KvmCompute implements ComputeService {
  private static final Logger log = LoggerFactory.getLogger(KvmCompute.class);
  static final String HYPERVISOR = "hypervisor";

  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;
  private final OvsPorts ports;
  private final KvmDeployer deployer;
  private final VmPower power;
  private final VmAccess access;
  private final VmReshaper reshaper;
  private final VmRecovery recovery;

  KvmCompute(KvmSettings settings, KvmRuntime runtime, VmLocator locator, OvsPorts ports,
      java.util.function.Supplier<dev.hangar.driver.spi.DeployPolicy> policy) {
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
    this.ports = ports;
    this.deployer = new KvmDeployer(settings, runtime, locator, ports, policy);
    this.power = new VmPower(runtime);
    this.access = new VmAccess(runtime, locator);
    this.recovery = new VmRecovery(settings, runtime, locator, ports);
    KvmQuota quota = new KvmQuota(settings, runtime);
    this.reshaper = new VmReshaper(settings, scope -> quota.check(policy.get(), scope));
  }

  @Override
  public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
    access.locked(vm, scope, "reconfigure", (host, domain) -> {
      reshaper.reshape(host, domain, vm, change, scope);
      return null;
    });
  }

  @Override
  public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
    return access.unlocked(vm, "open the console of",
        (host, domain) -> VmConsole.of(host, domain, vm));
  }

  @Override
  public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    return deployer.deploy(request, scope);
  }

  /**
   * PowerOn. With areas, a VM whose hypervisor is unreachable is first recovered on a live host
   * of its area ({@link VmRecovery}, which starts it), and a stale copy is fenced; a VM found
   * current is started where it is and its stored definition brought up to date.
   */
  @Override
  public void powerOn(DeployedVm vm, CommandScope scope) {
    if (settings.areas().isEmpty()) {
      onExisting(vm, scope, "power on", (host, domain) -> {
        restorePorts(host, domain);
        power.on(host, domain, vm);
      });
      return;
    }
    try (VmLocks.Held held = runtime.locks().lock(uuid(vm), scope)) {
      VmRecovery.Outcome o = recovery.recover(vm.uid(), scope);
      if (o.moved()) {
        scope.progress(vm.resourceName() + ": " + o.describe());
        return;
      }
      VmLocator.Located at = existing(vm);
      try {
        restorePorts(at.host(), at.domain());
        power.on(at.host(), at.domain(), vm);
        StoredDefinitions.save(at.host(), at.domain());
      } catch (LibvirtException e) {
        throw LibvirtErrors.wrap("power on " + vm.resourceName(), at.host().uri(), e);
      }
    }
  }

  /**
   * Before a start, each OVS vNIC's port is put back as the domain's metadata records it (made
   * again if it was lost, moved back if it drifted): the VM comes back on its VLANs.
   */
  private void restorePorts(Hypervisor host, Domain domain) throws LibvirtException {
    DomainView view = DomainView.parse(domain.getXMLDesc(0));
    VmMetadata meta = view.metadata();
    if (meta == null || view.ovsNics().isEmpty()) {
      return;
    }
    List<OvsPort> wanted = new ArrayList<>();
    for (DomainView.NicView n : view.ovsNics()) {
      wanted.add(OvsPorts.port(view.uuid(), meta.sandboxId(), n.index(), n.device(), n.mac(),
          meta.vlanOf(n.device())));
    }
    ports.on(meta.ovsBridge()).ensure(host.target(), wanted, true);
  }

  @Override
  public void powerOff(DeployedVm vm, CommandScope scope) {
    onExisting(vm, scope, "power off", (host, domain) -> power.off(host, domain, vm, scope));
  }

  @Override
  public void delete(DeployedVm vm, CommandScope scope) {
    try (VmLocks.Held held = runtime.locks().lock(uuid(vm), scope)) {
      Optional<VmLocator.Located> found = locator.find(vm.uid(), vm.customParam(HYPERVISOR));
      if (found.isEmpty()) {
        log.info("VM {} of {} is already gone", vm.uid(), vm.resourceName());
        return;
      }
      new VmDeleter(ports).delete(found.get().host(), found.get().domain(), scope);
    }
    if (settings.segments() == SegmentKind.VXLAN) {
      retireTunnels(vm, scope);
    }
  }

  /**
   * A VM deleted without a removeVlan first may have been the last of its VNIs on its host:
   * the mesh is brought in line (no vNIC changes, so only hosts whose tunnels or VNI map are
   * stale are written). Best effort: the VM is gone either way, and the next request on those
   * VNIs reconciles what this could not.
   */
  private void retireTunnels(DeployedVm vm, CommandScope scope) {
    try (VmLocks.Held mesh = runtime.locks().lockMesh(scope)) {
      new VxlanRequest(settings, ports, scope).apply(java.util.Map.of(), java.util.Map.of(),
          i -> null, i -> null);
    } catch (HangarException e) {
      log.warn("VM {} is deleted; its VXLAN tunnels were not reconciled: {}", vm.uid(),
          e.getMessage());
    }
  }

  @Override
  public VmDetailsData details(DeployedVm vm, CommandScope scope) {
    VmLocator.Located at = existing(vm);
    try {
      return new VmDetailsReader(ports).read(vm.resourceName(), at.host(), at.domain());
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("read the details of " + vm.resourceName(), at.host().uri(), e);
    }
  }

  @Override
  public Addresses addresses(DeployedVm vm, CommandScope scope) {
    VmLocator.Located at = existing(vm);
    return new AddressRefresh(runtime.timeouts()).address(vm, at.host(), at.domain(), scope);
  }

  /** An operation on a found VM. */
  private interface VmOperation {
    void apply(Hypervisor host, Domain domain) throws LibvirtException;
  }

  private void onExisting(DeployedVm vm, CommandScope scope, String what, VmOperation op) {
    try (VmLocks.Held held = runtime.locks().lock(uuid(vm), scope)) {
      VmLocator.Located at = existing(vm);
      try {
        op.apply(at.host(), at.domain());
      } catch (LibvirtException e) {
        throw LibvirtErrors.wrap(what + " " + vm.resourceName(), at.host().uri(), e);
      }
    }
  }

  private VmLocator.Located existing(DeployedVm vm) {
    return access.existing(vm);
  }

  private static UUID uuid(DeployedVm vm) {
    return VmAccess.uuid(vm);
  }
}
