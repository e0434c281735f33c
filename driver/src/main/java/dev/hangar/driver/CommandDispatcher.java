package dev.hangar.driver;

import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.internal.Parameters;
import java.util.Map;

/**
 * Runs a command named by its standard name with its context as JSON, for callers that carry
 * commands as data (the CLI, scenario replay, the gRPC host).
 */
public final class CommandDispatcher {
  private final CloudProviderDriver driver;
  private final WireCodec codec = WireCodec.standard();

  public CommandDispatcher(CloudProviderDriver driver) {
    this.driver = driver;
  }

  /** Reads a context JSON as the type the command takes; a client error when it cannot. */
  public CommandContext readContext(Command command, String contextJson) {
    try {
      return codec.read(contextJson, command.contextType());
    } catch (MalformedRequestException e) {
      throw new ClientException("context of " + command.standardName() + ": " + e.getMessage());
    }
  }

  public String dispatch(Command command, String contextJson, String request,
      CancellationContext cancellation) {
    return dispatch(command, readContext(command, contextJson), request, Map.of(), cancellation);
  }

  /** Runs a command with its named parameters (see {@link Command#parameters()}). */
  public String dispatch(Command command, String contextJson, String request,
      Map<String, String> parameters, CancellationContext cancellation) {
    return dispatch(command, readContext(command, contextJson), request, parameters,
        cancellation);
  }

  public String dispatch(Command command, CommandContext context, String request,
      CancellationContext cancellation) {
    return dispatch(command, context, request, Map.of(), cancellation);
  }

  /**
   * Runs a command. The parameters are checked against the command's list first: an unknown
   * name, a missing mandatory one, a lookup outside its values is a {@link ClientException}.
   */
  public String dispatch(Command command, CommandContext context, String request,
      Map<String, String> parameters, CancellationContext cancellation) {
    if (command.takesRequest() && (request == null || request.isBlank())) {
      throw new ClientException(command.standardName() + " needs a request");
    }
    Map<String, String> p = Parameters.resolve(command, parameters);
    return switch (command) {
      case GET_INVENTORY -> driver.getInventory((AutoLoadCommandContext) context);
      case DEPLOY -> driver.deploy((ResourceCommandContext) context, request, cancellation);
      case POWER_ON -> driver.powerOn((ResourceRemoteCommandContext) context);
      case POWER_OFF -> driver.powerOff((ResourceRemoteCommandContext) context);
      case DELETE_INSTANCE -> driver.deleteInstance((ResourceRemoteCommandContext) context);
      case GET_VM_DETAILS -> driver.getVmDetails((ResourceCommandContext) context, request,
          cancellation);
      case REMOTE_REFRESH_IP -> driver.remoteRefreshIp((ResourceRemoteCommandContext) context,
          cancellation);
      case APPLY_CONNECTIVITY_CHANGES -> driver.applyConnectivityChanges(
          (ResourceCommandContext) context, request);
      case PREPARE_SANDBOX_INFRA -> driver.prepareSandboxInfra((ResourceCommandContext) context,
          request, cancellation);
      case CLEANUP_SANDBOX_INFRA -> driver.cleanupSandboxInfra((ResourceCommandContext) context,
          request);
      case SET_APP_SECURITY_GROUPS -> driver.setAppSecurityGroups(
          (ResourceCommandContext) context, request);
      case SAVE_APP -> driver.saveApp((ResourceCommandContext) context, request, cancellation);
      case DELETE_SAVED_APPS -> driver.deleteSavedApps((ResourceCommandContext) context, request,
          cancellation);
      case REMOTE_SAVE_SNAPSHOT -> driver.remoteSaveSnapshot(
          (ResourceRemoteCommandContext) context, p.get("snapshot_name"), p.get("save_memory"));
      case REMOTE_GET_SNAPSHOTS -> driver.remoteGetSnapshots(
          (ResourceRemoteCommandContext) context);
      case REMOTE_RESTORE_SNAPSHOT -> driver.remoteRestoreSnapshot(
          (ResourceRemoteCommandContext) context, p.get("snapshot_name"));
      case REMOTE_REMOVE_SNAPSHOT -> driver.remoteRemoveSnapshot(
          (ResourceRemoteCommandContext) context, p.get("snapshot_name"), p.get("remove_child"));
      case RECONFIGURE_VM -> driver.reconfigureVm((ResourceRemoteCommandContext) context,
          p.get("cpu"), p.get("ram"), p.get("hdd"));
      case GET_VM_CONSOLE -> driver.getVmConsole((ResourceRemoteCommandContext) context);
      case VALIDATE_ATTRIBUTES -> driver.validateAttributes((ResourceCommandContext) context,
          request);
      case GET_ATTRIBUTE_HINTS -> driver.getAttributeHints((ResourceCommandContext) context,
          request);
      case POWER_CYCLE -> driver.powerCycle((ResourceRemoteCommandContext) context,
          p.get("delay"), cancellation);
      case RECOVER -> driver.recover((ResourceCommandContext) context, p.get("hypervisor"));
    };
  }
}
