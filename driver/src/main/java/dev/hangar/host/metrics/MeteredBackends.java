package dev.hangar.host.metrics;

import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.HostRecovery;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxInfraRequest;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Counts the calls through the backend SPI, by Cloud Type and operation, by wrapping each
 * registered provider: the driver sees the same interfaces and the backends are unchanged, so
 * a new backend is metered without a line of its own. This is the SPI's boundary, where one
 * call is one operation of the driver on one cloud (a Deploy, a VLAN batch); the requests each
 * backend makes to its cloud below it are the backend's affair. Every SPI method the driver
 * calls is metered, the optional services' too ({@link MeteredServices}); MeteredBackendsTest
 * walks the SPI's interfaces to keep it so.
 */
final class MeteredBackends {
  private MeteredBackends() {}

  /** A registry of the providers of {@code backends}, each metered. */
  static BackendRegistry of(BackendRegistry backends, HostMetrics metrics) {
    BackendRegistry metered = BackendRegistry.empty();
    for (BackendProvider p : backends.providers()) {
      metered.register(new Provider(p, new BackendMeter(p.cloudType(), metrics)));
    }
    return metered;
  }

  private record Provider(BackendProvider provider, BackendMeter meter)
      implements BackendProvider {
    @Override
    public String cloudType() {
      return provider.cloudType();
    }

    @Override
    public Set<String> deploymentPaths() {
      return provider.deploymentPaths();
    }

    @Override
    public Backend open(ProviderResource resource, CommandScope scope) {
      return new MeteredBackend(meter.call("open", () -> provider.open(resource, scope)), meter);
    }

    @Override
    public void close() {
      provider.close();
    }
  }

  private record MeteredBackend(Backend backend, BackendMeter meter) implements Backend {
    @Override
    public AutoLoadDetails validate() {
      return meter.call("validate", backend::validate);
    }

    @Override
    public ComputeService compute() {
      ComputeService c = backend.compute();
      return c == null ? null : new Compute(c, meter);
    }

    @Override
    public Optional<L2Fabric> l2Fabric() {
      return backend.l2Fabric().map(f -> (actions, scope) ->
          meter.call("l2_apply", () -> f.apply(actions, scope)));
    }

    @Override
    public Optional<L3Fabric> l3Fabric() {
      return backend.l3Fabric().map(f -> new L3(f, meter));
    }

    @Override
    public Optional<SnapshotService> snapshots() {
      return backend.snapshots().map(s -> new MeteredServices.Snapshots(s, meter));
    }

    @Override
    public Optional<SavedAppService> savedApps() {
      return backend.savedApps().map(s -> new MeteredServices.SavedApps(s, meter));
    }

    @Override
    public Optional<AttributeAdvisor> attributeAdvisor() {
      return backend.attributeAdvisor().map(a -> new MeteredServices.Advisor(a, meter));
    }

    @Override
    public Optional<Reaper> reaper() {
      return backend.reaper().map(r -> new MeteredServices.MeteredReaper(r, meter));
    }

    @Override
    public Optional<Planner> planner() {
      return backend.planner().map(p -> new MeteredServices.MeteredPlanner(p, meter));
    }

    @Override
    public Optional<HostRecovery> recovery() {
      return backend.recovery().map(r -> new MeteredServices.Recovery(r, meter));
    }

    @Override
    public void close() {
      backend.close();
    }
  }

  private record Compute(ComputeService compute, BackendMeter meter)
      implements ComputeService {
    @Override
    public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
      return meter.call("deploy", () -> compute.deploy(request, scope));
    }

    @Override
    public void powerOn(DeployedVm vm, CommandScope scope) {
      meter.run("power_on", () -> compute.powerOn(vm, scope));
    }

    @Override
    public void powerOff(DeployedVm vm, CommandScope scope) {
      meter.run("power_off", () -> compute.powerOff(vm, scope));
    }

    @Override
    public void delete(DeployedVm vm, CommandScope scope) {
      meter.run("delete", () -> compute.delete(vm, scope));
    }

    @Override
    public void willReadDetails(List<DeployedVm> vms, CommandScope scope) {
      meter.run("read_details_batch", () -> compute.willReadDetails(vms, scope));
    }

    @Override
    public VmDetailsData details(DeployedVm vm, CommandScope scope) {
      return meter.call("details", () -> compute.details(vm, scope));
    }

    @Override
    public Addresses addresses(DeployedVm vm, CommandScope scope) {
      return meter.call("addresses", () -> compute.addresses(vm, scope));
    }

    @Override
    public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
      meter.run("reconfigure", () -> compute.reconfigure(vm, change, scope));
    }

    @Override
    public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
      return meter.call("console", () -> compute.console(vm, scope));
    }
  }

  private record L3(L3Fabric fabric, BackendMeter meter) implements L3Fabric {
    @Override
    public List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope) {
      return meter.call("l3_prepare", () -> fabric.prepare(request, scope));
    }

    @Override
    public CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
      return meter.call("l3_cleanup", () -> fabric.cleanup(action, scope));
    }

    @Override
    public List<SecurityGroupResult> setSecurityGroups(List<AppSecurityGroups> apps,
        CommandScope scope) {
      return meter.call("l3_set_security_groups", () -> fabric.setSecurityGroups(apps, scope));
    }
  }
}
