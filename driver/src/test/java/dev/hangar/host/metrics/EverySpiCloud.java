package dev.hangar.host.metrics;

import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.HostRecovery;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxInfraRequest;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.options.DeploymentOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A backend with every part of the SPI, each method answering a fresh value of its own (so a
 * caller can tell it got this very answer back) and logging {@code Interface.method}; with
 * {@link #failing} set, every call throws a {@link ClientException} instead. It keeps no VMs:
 * it exists to check that a wrapper passes every call on, not to act like a cloud.
 */
final class EverySpiCloud implements BackendProvider {
  static final String CLOUD_TYPE = "Every";
  private final List<String> log = new ArrayList<>();
  private Object lastAnswer;
  boolean failing;

  /** The calls that reached this cloud, {@code "SnapshotService.save"}, in order. */
  List<String> log() {
    return List.copyOf(log);
  }

  /** What the last call answered; null after a void method. */
  Object lastAnswer() {
    return lastAnswer;
  }

  private <T> T answer(String call, T value) {
    log.add(call);
    if (failing) {
      throw new ClientException(call + " refused");
    }
    lastAnswer = value;
    return value;
  }

  private void done(String call) {
    answer(call, null);
  }

  @Override
  public String cloudType() {
    return CLOUD_TYPE;
  }

  @Override
  public Set<String> deploymentPaths() {
    return Set.of("Every Path");
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    return answer("BackendProvider.open", new Whole());
  }

  private final class Whole implements Backend {
    @Override
    public AutoLoadDetails validate() {
      return answer("Backend.validate", AutoLoadDetails.empty());
    }

    @Override
    public ComputeService compute() {
      return new Compute();
    }

    @Override
    public Optional<L2Fabric> l2Fabric() {
      return Optional.of((actions, scope) ->
          answer("L2Fabric.apply", new ArrayList<VlanResult>()));
    }

    @Override
    public Optional<L3Fabric> l3Fabric() {
      return Optional.of(new L3());
    }

    @Override
    public Optional<SnapshotService> snapshots() {
      return Optional.of(new Snapshots());
    }

    @Override
    public Optional<SavedAppService> savedApps() {
      return Optional.of(new SavedApps());
    }

    @Override
    public Optional<AttributeAdvisor> attributeAdvisor() {
      return Optional.of(new Advisor());
    }

    @Override
    public Optional<Reaper> reaper() {
      return Optional.of((now, dryRun, scope) ->
          answer("Reaper.reap", new ReapReport(List.of())));
    }

    @Override
    public Optional<Planner> planner() {
      return Optional.of(new Plans());
    }

    @Override
    public Optional<HostRecovery> recovery() {
      return Optional.of((hypervisor, scope) ->
          answer("HostRecovery.recover", new ArrayList<String>()));
    }
  }

  private final class Compute implements ComputeService {
    @Override
    public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
      return answer("ComputeService.deploy", new DeployOutcome(null, List.of()));
    }

    @Override
    public void powerOn(DeployedVm vm, CommandScope scope) {
      done("ComputeService.powerOn");
    }

    @Override
    public void powerOff(DeployedVm vm, CommandScope scope) {
      done("ComputeService.powerOff");
    }

    @Override
    public void delete(DeployedVm vm, CommandScope scope) {
      done("ComputeService.delete");
    }

    @Override
    public void willReadDetails(List<DeployedVm> vms, CommandScope scope) {
      done("ComputeService.willReadDetails");
    }

    @Override
    public VmDetailsData details(DeployedVm vm, CommandScope scope) {
      return answer("ComputeService.details",
          new VmDetailsData("web", "", List.of(), List.of()));
    }

    @Override
    public Addresses addresses(DeployedVm vm, CommandScope scope) {
      return answer("ComputeService.addresses", new Addresses("10.0.0.5", ""));
    }

    @Override
    public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
      done("ComputeService.reconfigure");
    }

    @Override
    public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
      return answer("ComputeService.console",
          new ConsoleAccess("serial", "", "virsh console web", "", ""));
    }
  }

  private final class L3 implements L3Fabric {
    @Override
    public List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope) {
      return answer("L3Fabric.prepare", new ArrayList<>());
    }

    @Override
    public CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
      return answer("L3Fabric.cleanup", new CleanupNetworkResult("c-1", true, "", ""));
    }

    @Override
    public List<SecurityGroupResult> setSecurityGroups(List<AppSecurityGroups> apps,
        CommandScope scope) {
      return answer("L3Fabric.setSecurityGroups", new ArrayList<>());
    }
  }

  private final class Snapshots implements SnapshotService {
    @Override
    public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
      return answer("SnapshotService.save", new String("base"));
    }

    @Override
    public List<String> list(DeployedVm vm, CommandScope scope) {
      return answer("SnapshotService.list", new ArrayList<>());
    }

    @Override
    public void restore(DeployedVm vm, String path, CommandScope scope) {
      done("SnapshotService.restore");
    }

    @Override
    public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
      done("SnapshotService.remove");
    }
  }

  private final class SavedApps implements SavedAppService {
    @Override
    public SavedApp save(SaveAppRequest request, CommandScope scope) {
      return answer("SavedAppService.save",
          new SavedApp(List.of(), "Every Path", Map.of(), Map.of()));
    }

    @Override
    public void delete(DeleteSavedAppRequest request, CommandScope scope) {
      done("SavedAppService.delete");
    }
  }

  private final class Advisor implements AttributeAdvisor {
    @Override
    public List<String> validate(DeploymentOption option, Map<String, String> attributes,
        CommandScope scope) {
      return answer("AttributeAdvisor.validate", new ArrayList<>());
    }

    @Override
    public List<String> hints(DeploymentOption option, String attribute,
        Map<String, String> attributes, CommandScope scope) {
      return answer("AttributeAdvisor.hints", new ArrayList<>());
    }
  }

  private final class Plans implements Planner {
    @Override
    public Optional<List<PlannedOperation>> deploy(DeployRequest request, CommandScope scope) {
      return answer("Planner.deploy", Optional.of(new ArrayList<>()));
    }

    @Override
    public Optional<List<ActionPlan>> connectivity(List<VlanAction> actions,
        CommandScope scope) {
      return answer("Planner.connectivity", Optional.of(new ArrayList<>()));
    }

    @Override
    public Optional<List<PlannedOperation>> cleanup(CommandScope scope) {
      return answer("Planner.cleanup", Optional.of(new ArrayList<>()));
    }
  }
}
