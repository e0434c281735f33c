package dev.hangar.host;

import dev.hangar.driver.Command;
import dev.hangar.proto.v1.AutoLoadCommandRequest;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.CommandResponse;
import dev.hangar.proto.v1.RecoverRequest;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.proto.v1.ResourceRemoteCommandRequest;
import dev.hangar.proto.v1.DriverMessage;
import dev.hangar.proto.v1.HostMessage;
import dev.hangar.proto.v1.PlanRequest;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/**
 * The CloudProvider service: each unary RPC is its command of the standard, run by CommandCalls;
 * RunCommand runs any of them with its callbacks on the caller's stream ({@link CommandStream});
 * Plan answers what one of them would do.
 */
final class CloudProviderService extends CloudProviderGrpc.CloudProviderImplBase {
  private final CommandCalls calls;
  private final Duration callbackTimeout;

  CloudProviderService(CommandCalls calls, Duration callbackTimeout) {
    this.calls = calls;
    this.callbackTimeout = callbackTimeout;
  }

  @Override
  public StreamObserver<DriverMessage> runCommand(StreamObserver<HostMessage> out) {
    return new CommandStream(calls, out, callbackTimeout);
  }

  @Override
  public void getInventory(AutoLoadCommandRequest r, StreamObserver<CommandResponse> out) {
    calls.run(Command.GET_INVENTORY, r.getContext(), "", null, out);
  }

  @Override
  public void deploy(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.DEPLOY, r, out);
  }

  @Override
  public void powerOn(ResourceRemoteCommandRequest r, StreamObserver<CommandResponse> out) {
    remote(Command.POWER_ON, r, out);
  }

  @Override
  public void powerOff(ResourceRemoteCommandRequest r, StreamObserver<CommandResponse> out) {
    remote(Command.POWER_OFF, r, out);
  }

  @Override
  public void deleteInstance(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.DELETE_INSTANCE, r, out);
  }

  @Override
  public void getVmDetails(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.GET_VM_DETAILS, r, out);
  }

  @Override
  public void remoteRefreshIp(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.REMOTE_REFRESH_IP, r, out);
  }

  @Override
  public void applyConnectivityChanges(ResourceCommandRequest r,
      StreamObserver<CommandResponse> out) {
    resource(Command.APPLY_CONNECTIVITY_CHANGES, r, out);
  }

  @Override
  public void prepareSandboxInfra(ResourceCommandRequest r,
      StreamObserver<CommandResponse> out) {
    resource(Command.PREPARE_SANDBOX_INFRA, r, out);
  }

  @Override
  public void cleanupSandboxInfra(ResourceCommandRequest r,
      StreamObserver<CommandResponse> out) {
    resource(Command.CLEANUP_SANDBOX_INFRA, r, out);
  }

  @Override
  public void setAppSecurityGroups(ResourceCommandRequest r,
      StreamObserver<CommandResponse> out) {
    resource(Command.SET_APP_SECURITY_GROUPS, r, out);
  }

  @Override
  public void saveApp(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.SAVE_APP, r, out);
  }

  @Override
  public void deleteSavedApps(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.DELETE_SAVED_APPS, r, out);
  }

  @Override
  public void remoteSaveSnapshot(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.REMOTE_SAVE_SNAPSHOT, r, out);
  }

  @Override
  public void remoteGetSnapshots(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.REMOTE_GET_SNAPSHOTS, r, out);
  }

  @Override
  public void remoteRestoreSnapshot(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.REMOTE_RESTORE_SNAPSHOT, r, out);
  }

  @Override
  public void remoteRemoveSnapshot(ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    remote(Command.REMOTE_REMOVE_SNAPSHOT, r, out);
  }

  @Override
  public void reconfigureVm(ResourceRemoteCommandRequest r, StreamObserver<CommandResponse> out) {
    remote(Command.RECONFIGURE_VM, r, out);
  }

  @Override
  public void getVmConsole(ResourceRemoteCommandRequest r, StreamObserver<CommandResponse> out) {
    remote(Command.GET_VM_CONSOLE, r, out);
  }

  @Override
  public void validateAttributes(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.VALIDATE_ATTRIBUTES, r, out);
  }

  @Override
  public void getAttributeHints(ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    resource(Command.GET_ATTRIBUTE_HINTS, r, out);
  }

  @Override
  public void powerCycle(ResourceRemoteCommandRequest r, StreamObserver<CommandResponse> out) {
    remote(Command.POWER_CYCLE, r, out);
  }

  @Override
  public void plan(PlanRequest r, StreamObserver<CommandResponse> out) {
    calls.plan(r.getCommand(), r.getContext(), r.getContext().getReservation().getReservationId(),
        r.getRequestJson(), out);
  }

  @Override
  public void recover(RecoverRequest r, StreamObserver<CommandResponse> out) {
    calls.run(Command.RECOVER, r.getContext(), r.getContext().getReservation().getReservationId(),
        null, r.getParametersMap(), out);
  }

  private void resource(Command c, ResourceCommandRequest r, StreamObserver<CommandResponse> out) {
    calls.run(c, r.getContext(), r.getContext().getReservation().getReservationId(),
        r.getRequestJson(), out);
  }

  private void remote(Command c, ResourceRemoteCommandRequest r,
      StreamObserver<CommandResponse> out) {
    calls.run(c, r.getContext(), r.getContext().getRemoteReservation().getReservationId(), null,
        r.getParametersMap(), out);
  }
}
