package dev.hangar.driver;

import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import java.util.Arrays;
import java.util.Optional;

/** The commands of the Cloud Provider Standard, with their exact names. */
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
      ResourceCommandContext.class, true, false);

  private final String standardName;
  private final String rpcName;
  private final Class<? extends CommandContext> contextType;
  private final boolean takesRequest;
  private final boolean cancellable;

  Command(String standardName, String rpcName, Class<? extends CommandContext> contextType,
      boolean takesRequest, boolean cancellable) {
    this.standardName = standardName;
    this.rpcName = rpcName;
    this.contextType = contextType;
    this.takesRequest = takesRequest;
    this.cancellable = cancellable;
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
