package dev.hangar.host.metrics;

import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.HostRecovery;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.options.DeploymentOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metered wrappers of a backend's optional services (snapshots, saved apps, the attribute
 * advisor, the reaper, the planner, hypervisor recovery), beside {@link MeteredBackends}' compute
 * and fabrics. Each call is one operation, named in the README's metrics table.
 */
final class MeteredServices {
  private MeteredServices() {}

  record Snapshots(SnapshotService service, BackendMeter meter) implements SnapshotService {
    @Override
    public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
      return meter.call("snapshot_save", () -> service.save(vm, name, withMemory, scope));
    }

    @Override
    public List<String> list(DeployedVm vm, CommandScope scope) {
      return meter.call("snapshot_list", () -> service.list(vm, scope));
    }

    @Override
    public void restore(DeployedVm vm, String path, CommandScope scope) {
      meter.run("snapshot_restore", () -> service.restore(vm, path, scope));
    }

    @Override
    public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
      meter.run("snapshot_remove", () -> service.remove(vm, path, withChildren, scope));
    }
  }

  record SavedApps(SavedAppService service, BackendMeter meter) implements SavedAppService {
    @Override
    public SavedApp save(SaveAppRequest request, CommandScope scope) {
      return meter.call("saved_app_save", () -> service.save(request, scope));
    }

    @Override
    public void delete(DeleteSavedAppRequest request, CommandScope scope) {
      meter.run("saved_app_delete", () -> service.delete(request, scope));
    }
  }

  record Advisor(AttributeAdvisor advisor, BackendMeter meter) implements AttributeAdvisor {
    @Override
    public List<String> validate(DeploymentOption option, Map<String, String> attributes,
        CommandScope scope) {
      return meter.call("attributes_validate", () -> advisor.validate(option, attributes, scope));
    }

    @Override
    public List<String> hints(DeploymentOption option, String attribute,
        Map<String, String> attributes, CommandScope scope) {
      return meter.call("attributes_hints",
          () -> advisor.hints(option, attribute, attributes, scope));
    }
  }

  record MeteredReaper(Reaper reaper, BackendMeter meter) implements Reaper {
    @Override
    public ReapReport reap(Instant now, boolean dryRun, CommandScope scope) {
      return meter.call("reap", () -> reaper.reap(now, dryRun, scope));
    }
  }

  record MeteredPlanner(Planner planner, BackendMeter meter) implements Planner {
    @Override
    public Optional<List<PlannedOperation>> deploy(DeployRequest request, CommandScope scope) {
      return meter.call("plan_deploy", () -> planner.deploy(request, scope));
    }

    @Override
    public Optional<List<ActionPlan>> connectivity(List<VlanAction> actions,
        CommandScope scope) {
      return meter.call("plan_connectivity", () -> planner.connectivity(actions, scope));
    }

    @Override
    public Optional<List<PlannedOperation>> cleanup(CommandScope scope) {
      return meter.call("plan_cleanup", () -> planner.cleanup(scope));
    }
  }

  record Recovery(HostRecovery recovery, BackendMeter meter) implements HostRecovery {
    @Override
    public List<String> recover(String hypervisor, CommandScope scope) {
      return meter.call("recover", () -> recovery.recover(hypervisor, scope));
    }
  }
}
