package dev.hangar.host;

import com.google.protobuf.MessageOrBuilder;
import dev.hangar.driver.Command;
import dev.hangar.proto.v1.Callback;
import dev.hangar.proto.v1.CommandCall;
import dev.hangar.proto.v1.CommandResponse;
import dev.hangar.proto.v1.DriverMessage;
import dev.hangar.proto.v1.HostMessage;
import dev.hangar.proto.v1.PlanRequest;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.proto.v1.ResourceRemoteCommandRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;

/**
 * One RunCommand call (see cloud_provider.proto): the first message names the command, which
 * runs on {@link CommandCalls} like a unary call but with {@link StreamCallbacks} as its
 * orchestrator API, so its callbacks go out on this stream and their results come back on it.
 * Writes to the stream are serialized (the command thread sends callbacks, the answer may come
 * from a gRPC thread); after the first end (answer, error) nothing more is written.
 */
final class CommandStream implements StreamObserver<DriverMessage> {
  private final CommandCalls calls;
  private final ServerCallStreamObserver<HostMessage> out;
  private final StreamCallbacks api;
  private boolean started;
  private boolean ended;

  CommandStream(CommandCalls calls, StreamObserver<HostMessage> out, Duration callbackTimeout) {
    this.calls = calls;
    this.out = (ServerCallStreamObserver<HostMessage>) out;
    this.api = new StreamCallbacks(this::send, callbackTimeout);
    // A caller that went away gets nothing more; the command sees the cancelled Context.
    this.out.setOnCancelHandler(api::end);
  }

  @Override
  public void onNext(DriverMessage m) {
    switch (m.getKindCase()) {
      case COMMAND -> {
        if (started) {
          fail("RunCommand takes one command per call; a second one came");
        } else {
          started = true;
          start(m.getCommand());
        }
      }
      case CALLBACK_RESULT -> {
        if (!started) {
          fail("RunCommand's first message must be the command");
        } else {
          api.complete(m.getCallbackResult());
        }
      }
      default -> fail("an empty DriverMessage (neither command nor callback_result)");
    }
  }

  @Override
  public void onError(Throwable t) {
    api.end();
  }

  @Override
  public void onCompleted() {
    if (!started) {
      fail("RunCommand ended before its command");
    }
  }

  private void start(CommandCall c) {
    if (c.hasPlan()) {
      PlanRequest p = c.getPlan();
      calls.plan(p.getCommand(), p.getContext(), p.getContext().getReservation()
          .getReservationId(), p.getRequestJson(), Context.current(), this::answer, api);
      return;
    }
    Call call = switch (c.getCommandCase()) {
      case GET_INVENTORY -> new Call(Command.GET_INVENTORY, c.getGetInventory().getContext(), "",
          null, Map.of());
      case DEPLOY -> resource(Command.DEPLOY, c.getDeploy());
      case POWER_ON -> remote(Command.POWER_ON, c.getPowerOn());
      case POWER_OFF -> remote(Command.POWER_OFF, c.getPowerOff());
      case DELETE_INSTANCE -> remote(Command.DELETE_INSTANCE, c.getDeleteInstance());
      case GET_VM_DETAILS -> resource(Command.GET_VM_DETAILS, c.getGetVmDetails());
      case REMOTE_REFRESH_IP -> remote(Command.REMOTE_REFRESH_IP, c.getRemoteRefreshIp());
      case APPLY_CONNECTIVITY_CHANGES -> resource(Command.APPLY_CONNECTIVITY_CHANGES,
          c.getApplyConnectivityChanges());
      case PREPARE_SANDBOX_INFRA -> resource(Command.PREPARE_SANDBOX_INFRA,
          c.getPrepareSandboxInfra());
      case CLEANUP_SANDBOX_INFRA -> resource(Command.CLEANUP_SANDBOX_INFRA,
          c.getCleanupSandboxInfra());
      case SET_APP_SECURITY_GROUPS -> resource(Command.SET_APP_SECURITY_GROUPS,
          c.getSetAppSecurityGroups());
      case SAVE_APP -> resource(Command.SAVE_APP, c.getSaveApp());
      case DELETE_SAVED_APPS -> resource(Command.DELETE_SAVED_APPS, c.getDeleteSavedApps());
      case REMOTE_SAVE_SNAPSHOT -> remote(Command.REMOTE_SAVE_SNAPSHOT,
          c.getRemoteSaveSnapshot());
      case REMOTE_GET_SNAPSHOTS -> remote(Command.REMOTE_GET_SNAPSHOTS,
          c.getRemoteGetSnapshots());
      case REMOTE_RESTORE_SNAPSHOT -> remote(Command.REMOTE_RESTORE_SNAPSHOT,
          c.getRemoteRestoreSnapshot());
      case REMOTE_REMOVE_SNAPSHOT -> remote(Command.REMOTE_REMOVE_SNAPSHOT,
          c.getRemoteRemoveSnapshot());
      case RECONFIGURE_VM -> remote(Command.RECONFIGURE_VM, c.getReconfigureVm());
      case GET_VM_CONSOLE -> remote(Command.GET_VM_CONSOLE, c.getGetVmConsole());
      case VALIDATE_ATTRIBUTES -> resource(Command.VALIDATE_ATTRIBUTES,
          c.getValidateAttributes());
      case GET_ATTRIBUTE_HINTS -> resource(Command.GET_ATTRIBUTE_HINTS,
          c.getGetAttributeHints());
      case POWER_CYCLE -> remote(Command.POWER_CYCLE, c.getPowerCycle());
      case PLAN -> null;
      case RECOVER -> new Call(Command.RECOVER, c.getRecover().getContext(),
          c.getRecover().getContext().getReservation().getReservationId(), null,
          c.getRecover().getParametersMap());
      case COMMAND_NOT_SET -> null;
    };
    if (call == null) {
      fail("the CommandCall names no command");
      return;
    }
    calls.run(call.command(), call.context(), call.reservationId(), call.request(),
        call.parameters(), Context.current(), this::answer, api);
  }

  /** A command as CommandCalls takes it. */
  private record Call(Command command, MessageOrBuilder context, String reservationId,
      String request, Map<String, String> parameters) {}

  private static Call resource(Command command, ResourceCommandRequest r) {
    return new Call(command, r.getContext(), r.getContext().getReservation().getReservationId(),
        r.getRequestJson(), Map.of());
  }

  private static Call remote(Command command, ResourceRemoteCommandRequest r) {
    return new Call(command, r.getContext(),
        r.getContext().getRemoteReservation().getReservationId(), null, r.getParametersMap());
  }

  private void send(Callback callback) {
    synchronized (this) {
      if (ended || out.isCancelled()) {
        throw new IllegalStateException("ended");
      }
      out.onNext(HostMessage.newBuilder().setCallback(callback).build());
    }
  }

  private synchronized void answer(String response, Status status) {
    if (ended || out.isCancelled()) {
      return;
    }
    ended = true;
    if (status.isOk()) {
      out.onNext(HostMessage.newBuilder().setResponse(CommandResponse.newBuilder()
          .setResponseJson(response == null ? "" : response)).build());
      out.onCompleted();
    } else {
      out.onError(status.asRuntimeException());
    }
    api.end();
  }

  private void fail(String why) {
    answer(null, Status.INVALID_ARGUMENT.withDescription(why));
  }
}
