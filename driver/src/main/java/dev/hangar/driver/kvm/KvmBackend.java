package dev.hangar.driver.kvm;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.DeployPolicy;
import dev.hangar.driver.spi.HostRecovery;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import java.util.Optional;
import java.util.function.Supplier;

/** The KVM cloud for one command. Cheap: the live connections belong to the runtime. */
final class KvmBackend implements Backend {
  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final KvmCompute compute;
  private final KvmL2Fabric l2;
  private final KvmSnapshots snapshots;
  private final KvmSavedApps savedApps;
  private final KvmAttributeAdvisor advisor;
  private final KvmPlanner planner;
  private final VmRecovery recovery;

  /** {@code policy}: the marks and quotas of what Deploy makes, read when a Deploy needs them. */
  KvmBackend(KvmSettings settings, KvmRuntime runtime, Supplier<DeployPolicy> policy) {
    this.settings = settings;
    this.runtime = runtime;
    VmLocator locator = new VmLocator(settings, runtime);
    OvsPorts ports = new OvsPorts(runtime, settings.ovsBridge());
    this.compute = new KvmCompute(settings, runtime, locator, ports, policy);
    this.l2 = new KvmL2Fabric(runtime, locator, ports, settings);
    this.snapshots = new KvmSnapshots(new VmAccess(runtime, locator));
    this.savedApps = new KvmSavedApps(settings, runtime, locator);
    this.advisor = new KvmAttributeAdvisor(settings, locator);
    this.planner = new KvmPlanner(settings, runtime, locator, policy, l2);
    this.recovery = new VmRecovery(settings, runtime, locator, ports);
  }

  @Override
  public Optional<SnapshotService> snapshots() {
    return Optional.of(snapshots);
  }

  @Override
  public Optional<SavedAppService> savedApps() {
    return Optional.of(savedApps);
  }

  @Override
  public Optional<AttributeAdvisor> attributeAdvisor() {
    return Optional.of(advisor);
  }

  @Override
  public AutoLoadDetails validate() {
    return new KvmInventory(settings, runtime).validate();
  }

  @Override
  public ComputeService compute() {
    return compute;
  }

  @Override
  public Optional<L2Fabric> l2Fabric() {
    return Optional.of(l2);
  }

  @Override
  public Optional<Planner> planner() {
    return Optional.of(planner);
  }

  @Override
  public Optional<HostRecovery> recovery() {
    return Optional.of(recovery::recoverHosts);
  }

  @Override
  public Optional<Reaper> reaper() {
    return Optional.of(new KvmReaper(settings, runtime));
  }
}
