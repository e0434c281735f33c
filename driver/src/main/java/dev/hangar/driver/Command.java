package dev.hangar.driver;

import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The commands of the Cloud Provider Standard and those beyond it that the platform's best cloud
 * provider shells offer (save and restore, snapshots, reconfigure, console, attribute checks,
 * PowerCycle, Recover), with their exact names, contexts and parameters.
 */
public enum Command {
  GET_INVENTORY("get_inventory", "GetInventory", AutoLoadCommandContext.class, false, false),
  DEPLOY("Deploy", "Deploy", ResourceCommandContext.class, true, true),
  POWER_ON("PowerOn", "PowerOn", ResourceRemoteCommandContext.class, false, false),
  POWER_OFF("PowerOff", "PowerOff", ResourceRemoteCommandContext.class, false, false),
  DELETE_INSTANCE("DeleteInstance", "DeleteInstance", ResourceRemoteCommandContext.class, false,
      false),
  GET_VM_DETAILS("GetVmDetails", "GetVmDetails", ResourceCommandContext.class, true, true),
  REMOTE_REFRESH_IP("remote_refresh_ip", "RemoteRefreshIp", ResourceRemoteCommandContext.class,
      false, true),
  APPLY_CONNECTIVITY_CHANGES("ApplyConnectivityChanges", "ApplyConnectivityChanges",
      ResourceCommandContext.class, true, false),
  PREPARE_SANDBOX_INFRA("PrepareSandboxInfra", "PrepareSandboxInfra",
      ResourceCommandContext.class, true, true),
  CLEANUP_SANDBOX_INFRA("CleanupSandboxInfra", "CleanupSandboxInfra",
      ResourceCommandContext.class, true, false),
  SET_APP_SECURITY_GROUPS("SetAppSecurityGroups", "SetAppSecurityGroups",
      ResourceCommandContext.class, true, false),
  /** The platform's "save sandbox": SaveApp actions → SaveApp results. */
  SAVE_APP("SaveApp", "SaveApp", ResourceCommandContext.class, true, true),
  /**
   * DeleteSavedApp actions → DeleteSavedApp results. The platform runs it on the provider outside
   * any reservation (the context's reservation may be absent).
   */
  DELETE_SAVED_APPS("DeleteSavedApps", "DeleteSavedApps", ResourceCommandContext.class, true,
      true),
  REMOTE_SAVE_SNAPSHOT("remote_save_snapshot", "RemoteSaveSnapshot",
      ResourceRemoteCommandContext.class, false, false,
      CommandParameter.text("snapshot_name", "Snapshot Name",
          "The name of the new snapshot, for example Snapshot1 (no '/')", true),
      CommandParameter.yesNo("save_memory", "Save Memory",
          "Snapshot the virtual machine's memory too", "No")),
  REMOTE_GET_SNAPSHOTS("remote_get_snapshots", "RemoteGetSnapshots",
      ResourceRemoteCommandContext.class, false, false),
  REMOTE_RESTORE_SNAPSHOT("remote_restore_snapshot", "RemoteRestoreSnapshot",
      ResourceRemoteCommandContext.class, false, false,
      CommandParameter.text("snapshot_name", "Snapshot Name",
          "The full path of the snapshot, for example Snapshot1/Snapshot2", true)),
  REMOTE_REMOVE_SNAPSHOT("remote_remove_snapshot", "RemoteRemoveSnapshot",
      ResourceRemoteCommandContext.class, false, false,
      CommandParameter.text("snapshot_name", "Snapshot Name",
          "The full path of the snapshot, for example Snapshot1/Snapshot2", true),
      CommandParameter.yesNo("remove_child", "Remove Child",
          "Remove the snapshot's children too", "No")),
  RECONFIGURE_VM("reconfigure_vm", "ReconfigureVm", ResourceRemoteCommandContext.class, false,
      false,
      CommandParameter.text("cpu", "CPU", "The number of CPUs to be configured on the VM",
          false),
      CommandParameter.text("ram", "RAM", "The amount of RAM (GB) to be configured on the VM,"
          + " for example 4 or 0.5", false),
      CommandParameter.text("hdd", "HDD", "Disk sizes (GB) by disk number, separated by ';':"
          + " 'Hard Disk 1:100;Hard Disk 2:200' or '1:100;2:200'. Disks only grow; the number"
          + " after the last disk adds a disk", false)),
  GET_VM_CONSOLE("get_vm_console", "GetVmConsole", ResourceRemoteCommandContext.class, false,
      false),
  VALIDATE_ATTRIBUTES("validate_attributes", "ValidateAttributes", ResourceCommandContext.class,
      true, false),
  GET_ATTRIBUTE_HINTS("get_attribute_hints", "GetAttributeHints", ResourceCommandContext.class,
      true, false),
  POWER_CYCLE("PowerCycle", "PowerCycle", ResourceRemoteCommandContext.class, false, false,
      CommandParameter.text("delay", "Delay", "Seconds between power off and power on (0 to"
          + " 3600)", true)),
  /**
   * Recover (on the cloud provider): restarts the VMs of an unreachable hypervisor on a live host
   * of its area; answers one line per VM.
   */
  RECOVER("Recover", "Recover", ResourceCommandContext.class, false, false,
      CommandParameter.text("hypervisor", "Hypervisor", "The libvirt URI of the dead hypervisor"
          + " whose VMs to recover; empty: every unreachable hypervisor of an area", false));

  private final String standardName;
  private final String rpcName;
  private final Class<? extends CommandContext> contextType;
  private final boolean takesRequest;
  private final boolean cancellable;
  private final List<CommandParameter> parameters;

  Command(String standardName, String rpcName, Class<? extends CommandContext> contextType,
      boolean takesRequest, boolean cancellable, CommandParameter... parameters) {
    this.standardName = standardName;
    this.rpcName = rpcName;
    this.contextType = contextType;
    this.takesRequest = takesRequest;
    this.cancellable = cancellable;
    this.parameters = List.of(parameters);
  }

  /** The named parameters a remote command takes, in the Python driver's argument order. */
  public List<CommandParameter> parameters() {
    return parameters;
  }

  /** A parameter by name. */
  public Optional<CommandParameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The name in the standard, which the CLI and scenarios use. */
  public String standardName() {
    return standardName;
  }

  /** The RPC of the gRPC contract. */
  public String rpcName() {
    return rpcName;
  }

  public Class<? extends CommandContext> contextType() {
    return contextType;
  }

  public boolean takesRequest() {
    return takesRequest;
  }

  /** Whether the standard passes this command a cancellation context. */
  public boolean cancellable() {
    return cancellable;
  }

  public static Optional<Command> byStandardName(String name) {
    return Arrays.stream(values()).filter(c -> c.standardName.equals(name)).findFirst();
  }

  public static String standardNames() {
    return String.join(", ", Arrays.stream(values()).map(Command::standardName).toList());
  }
}
