package dev.hangar.driver;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.internal.ActionCommands;
import dev.hangar.driver.internal.BackendResolver;
import dev.hangar.driver.internal.CommandRun;
import dev.hangar.driver.internal.DeployCommand;
import dev.hangar.driver.internal.Guard;
import dev.hangar.driver.internal.InfraCommands;
import dev.hangar.driver.internal.DesignerCommands;
import dev.hangar.driver.internal.RecoverCommands;
import dev.hangar.driver.internal.SavedAppCommands;
import dev.hangar.driver.internal.SnapshotCommands;
import dev.hangar.driver.internal.VmChangeCommands;
import dev.hangar.driver.internal.VmCommands;
import dev.hangar.driver.spi.BackendRegistry;
import java.util.function.Function;

/**
 * The commands of the Cloud Provider Standard. Each takes the context the platform passes (plus
 * the request JSON, plus a cancellation context where the standard has one) and returns the
 * response JSON: one result per action, per-action failures inside it. A command raises a
 * {@link HangarException} only when it cannot answer at all (a malformed request, an unusable
 * context, a failed power or delete).
 *
 * <p>Java names, standard names: getInventory = {@code get_inventory}, deploy = {@code Deploy},
 * powerOn = {@code PowerOn}, powerOff = {@code PowerOff}, deleteInstance =
 * {@code DeleteInstance}, getVmDetails = {@code GetVmDetails}, remoteRefreshIp =
 * {@code remote_refresh_ip}, applyConnectivityChanges = {@code ApplyConnectivityChanges},
 * prepareSandboxInfra = {@code PrepareSandboxInfra}, cleanupSandboxInfra =
 * {@code CleanupSandboxInfra}, setAppSecurityGroups = {@code SetAppSecurityGroups}; beyond the
 * standard: saveApp = {@code SaveApp}, deleteSavedApps = {@code DeleteSavedApps},
 * remoteSaveSnapshot = {@code remote_save_snapshot}, remoteGetSnapshots =
 * {@code remote_get_snapshots}, remoteRestoreSnapshot = {@code remote_restore_snapshot},
 * remoteRemoveSnapshot = {@code remote_remove_snapshot}, reconfigureVm = {@code reconfigure_vm},
 * getVmConsole = {@code get_vm_console}, validateAttributes = {@code validate_attributes},
 * getAttributeHints = {@code get_attribute_hints}, powerCycle = {@code PowerCycle},
 * recover = {@code Recover} (see {@link Command}). A command whose part the provider's backend
 * lacks (no snapshots, no
 * saved apps, no reconfigure) raises a {@link ClientException} naming the command and the Cloud
 * Type. Thread-safe and stateless: one instance serves concurrent commands.
 */
public final class CloudProviderDriver {
  private final OrchestratorApi.Factory apis;
  private final BackendResolver resolver;
  private final WireCodec codec = WireCodec.standard();
  private final ActionCommands actions = new ActionCommands(codec);
  private final VmCommands vms = new VmCommands(codec);
  private final InfraCommands infra = new InfraCommands(codec);
  private final SnapshotCommands snapshots = new SnapshotCommands(codec);
  private final VmChangeCommands changes = new VmChangeCommands(codec);
  private final DesignerCommands designer = new DesignerCommands(codec);
  private final RecoverCommands recovery = new RecoverCommands();

  public CloudProviderDriver(BackendRegistry backends, OrchestratorApi.Factory apis) {
    this.resolver = new BackendResolver(backends);
    this.apis = apis;
  }

  /** get_inventory: validates the provider resource; returns AutoLoadDetails JSON. */
  public String getInventory(AutoLoadCommandContext context) {
    return run(Command.GET_INVENTORY, context, null,
        r -> Guard.call(r, () -> codec.write(r.backend().validate())));
  }

  /** Deploy: deployApp (+ connectSubnet) → DeployApp (+ ConnectToSubnet) results. */
  public String deploy(ResourceCommandContext context, String request,
      CancellationContext cancellation) {
    return run(Command.DEPLOY, context, cancellation,
        r -> actions.run(r, request, DeployCommand.executor(r)));
  }

  /** PowerOn: starts the deployed app's VM; returns "". */
  public String powerOn(ResourceRemoteCommandContext context) {
    return run(Command.POWER_ON, context, null, r -> {
      vms.powerOn(r);
      return "";
    });
  }

  /** PowerOff: stops the deployed app's VM; returns "". */
  public String powerOff(ResourceRemoteCommandContext context) {
    return run(Command.POWER_OFF, context, null, r -> {
      vms.powerOff(r);
      return "";
    });
  }

  /** DeleteInstance: deletes the deployed app's VM; a VM already gone is success; returns "". */
  public String deleteInstance(ResourceRemoteCommandContext context) {
    return run(Command.DELETE_INSTANCE, context, null, r -> {
      vms.delete(r);
      return "";
    });
  }

  /** GetVmDetails: {"items":[...]} → a bare array of VmDetailsData, one per item. */
  public String getVmDetails(ResourceCommandContext context, String request,
      CancellationContext cancellation) {
    return run(Command.GET_VM_DETAILS, context, cancellation, r -> vms.details(r, request));
  }

  /** remote_refresh_ip: sets the app's address through the orchestrator API; returns "". */
  public String remoteRefreshIp(ResourceRemoteCommandContext context,
      CancellationContext cancellation) {
    return run(Command.REMOTE_REFRESH_IP, context, cancellation, r -> {
      vms.refreshIp(r);
      return "";
    });
  }

  /** ApplyConnectivityChanges (L2): setVlan/removeVlan → one result per action. */
  public String applyConnectivityChanges(ResourceCommandContext context, String request) {
    return run(Command.APPLY_CONNECTIVITY_CHANGES, context, null,
        r -> actions.run(r, request, InfraCommands.connectivity(r)));
  }

  /** PrepareSandboxInfra (L3): → PrepareNetwork, CreateKeys, PrepareSubnet results. */
  public String prepareSandboxInfra(ResourceCommandContext context, String request,
      CancellationContext cancellation) {
    return run(Command.PREPARE_SANDBOX_INFRA, context, cancellation,
        r -> actions.run(r, request, InfraCommands.prepare(r)));
  }

  /** CleanupSandboxInfra (L3): cleanupNetwork → CleanupNetwork result. */
  public String cleanupSandboxInfra(ResourceCommandContext context, String request) {
    return run(Command.CLEANUP_SANDBOX_INFRA, context, null,
        r -> actions.run(r, request, InfraCommands.cleanup(r)));
  }

  /** SetAppSecurityGroups (L3): bare array in, bare array of {appName, success, error} out. */
  public String setAppSecurityGroups(ResourceCommandContext context, String request) {
    return run(Command.SET_APP_SECURITY_GROUPS, context, null,
        r -> infra.securityGroups(r, request));
  }

  /**
   * SaveApp: SaveApp actions → SaveApp results (artifacts, savedEntityAttributes,
   * saveDeploymentModel, additionalData), one per action.
   */
  public String saveApp(ResourceCommandContext context, String request,
      CancellationContext cancellation) {
    return run(Command.SAVE_APP, context, cancellation,
        r -> actions.run(r, request, SavedAppCommands.save(r)));
  }

  /**
   * DeleteSavedApps: DeleteSavedApp actions → DeleteSavedApp results; artifacts already gone are
   * success. The context may have no reservation (the platform runs it outside one).
   */
  public String deleteSavedApps(ResourceCommandContext context, String request,
      CancellationContext cancellation) {
    return run(Command.DELETE_SAVED_APPS, context, cancellation,
        r -> actions.run(r, request, SavedAppCommands.delete(r)));
  }

  /** remote_save_snapshot: returns the new snapshot's path. {@code saveMemory}: Yes or No. */
  public String remoteSaveSnapshot(ResourceRemoteCommandContext context, String snapshotName,
      String saveMemory) {
    return run(Command.REMOTE_SAVE_SNAPSHOT, context, null,
        r -> snapshots.save(r, snapshotName, saveMemory));
  }

  /** remote_get_snapshots: a JSON list of snapshot paths, parents first. */
  public String remoteGetSnapshots(ResourceRemoteCommandContext context) {
    return run(Command.REMOTE_GET_SNAPSHOTS, context, null, snapshots::list);
  }

  /** remote_restore_snapshot: returns "". An unknown path is a client error naming the known. */
  public String remoteRestoreSnapshot(ResourceRemoteCommandContext context, String snapshotName) {
    return run(Command.REMOTE_RESTORE_SNAPSHOT, context, null, r -> {
      snapshots.restore(r, snapshotName);
      return "";
    });
  }

  /** remote_remove_snapshot: returns ""; a snapshot already gone is success. */
  public String remoteRemoveSnapshot(ResourceRemoteCommandContext context, String snapshotName,
      String removeChild) {
    return run(Command.REMOTE_REMOVE_SNAPSHOT, context, null, r -> {
      snapshots.remove(r, snapshotName, removeChild);
      return "";
    });
  }

  /**
   * reconfigure_vm: {@code cpu} (whole), {@code ram} (GB), {@code hdd} ("1:100;2:200" or
   * "Hard Disk 1:100"); each may be empty or null, not all. Returns "".
   */
  public String reconfigureVm(ResourceRemoteCommandContext context, String cpu, String ram,
      String hdd) {
    return run(Command.RECONFIGURE_VM, context, null, r -> {
      changes.reconfigure(r, cpu, ram, hdd);
      return "";
    });
  }

  /** get_vm_console: {@code {"kind","url","command","text","note"}}. */
  public String getVmConsole(ResourceRemoteCommandContext context) {
    return run(Command.GET_VM_CONSOLE, context, null, changes::console);
  }

  /**
   * validate_attributes: {@code {"ActionId","DeploymentPath","Attributes":[..]}} →
   * {@code {"type":"ValidateAttributes","actionId",...}}; raises a client error listing every
   * problem when the attributes would not deploy.
   */
  public String validateAttributes(ResourceCommandContext context, String request) {
    return run(Command.VALIDATE_ATTRIBUTES, context, null, r -> designer.validate(r, request));
  }

  /**
   * get_attribute_hints: {@code {"DeploymentPath","AttributeName","AttributeValues"}} →
   * {@code [{"AttributeName","Values":[..]}]} ({@code []} when there is no list).
   */
  public String getAttributeHints(ResourceCommandContext context, String request) {
    return run(Command.GET_ATTRIBUTE_HINTS, context, null, r -> designer.hints(r, request));
  }

  /**
   * PowerCycle: powers the VM off, waits {@code delay} seconds (0 to 3600), powers it on; a
   * cancellation during the wait leaves it off. Returns "".
   */
  public String powerCycle(ResourceRemoteCommandContext context, String delay,
      CancellationContext cancellation) {
    return run(Command.POWER_CYCLE, context, cancellation, r -> {
      changes.powerCycle(r, delay);
      return "";
    });
  }

  private String run(Command command, CommandContext context, CancellationContext cancellation,
      Function<CommandRun, String> body) {
    try (CommandRun r = new CommandRun(command, context, apis, resolver, cancellation)) {
      return body.apply(r);
    }
  }

  /**
   * Recover: restarts the VMs of the unreachable {@code hypervisor} (empty: of every unreachable
   * hypervisor of an area) on live hosts of their area. Returns one line per VM.
   */
  public String recover(ResourceCommandContext context, String hypervisor) {
    return run(Command.RECOVER, context, null, r -> recovery.recover(r, hypervisor));
  }
}
