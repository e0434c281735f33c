package dev.hangar.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.Command;
import dev.hangar.proto.v1.AutoLoadCommandContext;
import dev.hangar.proto.v1.AutoLoadCommandRequest;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.PlanRequest;
import dev.hangar.proto.v1.ResourceCommandContext;
import dev.hangar.proto.v1.RecoverRequest;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.proto.v1.ResourceRemoteCommandContext;
import dev.hangar.proto.v1.ResourceRemoteCommandRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on a sandbox host: the context JSON of a CloudShell driver context becomes the
 * typed context message, the request JSON travels as is, the response JSON comes back. A client
 * made by {@link #connect(HostTargets, BearerToken, ClientTls)} spreads its calls over several
 * hosts and retries the idempotent ones that fail UNAVAILABLE on another ({@link HostRetries}).
 */
public final class HostClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final CloudProviderGrpc.CloudProviderBlockingStub stub;

  /** A client on {@code channel} that sends {@code token} with every call. */
  public HostClient(ManagedChannel channel, BearerToken token) {
    this.channel = channel;
    this.stub = CloudProviderGrpc.newBlockingStub(channel)
        .withCallCredentials(token.credentials());
  }

  /** Connects to the host at {@code target} (nothing is sent until the first call). */
  public static HostClient connect(HostPort target, BearerToken token, ClientTls tls)
      throws IOException {
    return connect(HostTargets.of(target), token, tls);
  }

  /**
   * Connects to the hosts of {@code targets} (nothing is sent until the first call): calls are
   * spread over them round-robin, and an idempotent call that fails UNAVAILABLE is retried on the
   * next host ({@link HostRetries}).
   */
  public static HostClient connect(HostTargets targets, BearerToken token, ClientTls tls)
      throws IOException {
    return new HostClient(channel(targets, tls).build(), token);
  }

  /**
   * A channel builder for {@code targets}, for callers that add to it (interceptors) before
   * building: for several hosts (a list or a DNS name) with round_robin balancing and the retry
   * policy of {@link HostRetries}; for one address as before, without retries (a retry would
   * reach the same host; its caller decides, as the status table says).
   */
  public static ManagedChannelBuilder<?> channel(HostTargets targets, ClientTls tls)
      throws IOException {
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(targets.grpcTarget(), tls.credentials());
    if (!targets.several()) {
      return b;
    }
    HostListResolverProvider.register();
    return b.defaultServiceConfig(HostRetries.serviceConfig()).enableRetry()
        .maxRetryAttempts(HostRetries.MAX_ATTEMPTS);
  }

  /** The stub, with the token, for callers that build messages themselves. */
  public CloudProviderGrpc.CloudProviderBlockingStub stub() {
    return stub;
  }

  /**
   * Runs {@code command}; returns its response JSON ("" for commands without one).
   *
   * @param deadline the call's deadline, or null for none
   * @throws StatusRuntimeException when the command raised or the host could not be called
   * @throws IllegalArgumentException when the context JSON does not have the context's shape
   */
  public String call(Command command, JsonNode context, String request, Duration deadline) {
    return call(command, context, request, Map.of(), deadline);
  }

  /**
   * Runs {@code command} with a remote command's named parameters ({@link Command#parameters()});
   * returns its response JSON ("" for commands without one).
   *
   * @throws StatusRuntimeException when the command raised or the host could not be called
   * @throws IllegalArgumentException when the context JSON does not have the context's shape
   */
  public String call(Command command, JsonNode context, String request,
      Map<String, String> parameters, Duration deadline) {
    CloudProviderGrpc.CloudProviderBlockingStub s = deadline == null ? stub
        : stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    String req = request == null ? "" : request;
    switch (command) {
      case GET_INVENTORY:
        return s.getInventory(AutoLoadCommandRequest.newBuilder().setContext(ContextMessages
            .fromJson(context, AutoLoadCommandContext.newBuilder(), "context")).build())
            .getResponseJson();
      case POWER_ON:
        return s.powerOn(remote(context, parameters)).getResponseJson();
      case POWER_OFF:
        return s.powerOff(remote(context, parameters)).getResponseJson();
      case DELETE_INSTANCE:
        return s.deleteInstance(remote(context, parameters)).getResponseJson();
      case REMOTE_REFRESH_IP:
        return s.remoteRefreshIp(remote(context, parameters)).getResponseJson();
      case REMOTE_SAVE_SNAPSHOT:
        return s.remoteSaveSnapshot(remote(context, parameters)).getResponseJson();
      case REMOTE_GET_SNAPSHOTS:
        return s.remoteGetSnapshots(remote(context, parameters)).getResponseJson();
      case REMOTE_RESTORE_SNAPSHOT:
        return s.remoteRestoreSnapshot(remote(context, parameters)).getResponseJson();
      case REMOTE_REMOVE_SNAPSHOT:
        return s.remoteRemoveSnapshot(remote(context, parameters)).getResponseJson();
      case RECONFIGURE_VM:
        return s.reconfigureVm(remote(context, parameters)).getResponseJson();
      case GET_VM_CONSOLE:
        return s.getVmConsole(remote(context, parameters)).getResponseJson();
      case POWER_CYCLE:
        return s.powerCycle(remote(context, parameters)).getResponseJson();
      case RECOVER:
        return s.recover(RecoverRequest.newBuilder().setContext(ContextMessages.fromJson(context,
            ResourceCommandContext.newBuilder(), "context")).putAllParameters(parameters)
            .build()).getResponseJson();
      case SAVE_APP:
        return s.saveApp(resource(context, req)).getResponseJson();
      case DELETE_SAVED_APPS:
        return s.deleteSavedApps(resource(context, req)).getResponseJson();
      case VALIDATE_ATTRIBUTES:
        return s.validateAttributes(resource(context, req)).getResponseJson();
      case GET_ATTRIBUTE_HINTS:
        return s.getAttributeHints(resource(context, req)).getResponseJson();
      case DEPLOY:
        return s.deploy(resource(context, req)).getResponseJson();
      case GET_VM_DETAILS:
        return s.getVmDetails(resource(context, req)).getResponseJson();
      case APPLY_CONNECTIVITY_CHANGES:
        return s.applyConnectivityChanges(resource(context, req)).getResponseJson();
      case PREPARE_SANDBOX_INFRA:
        return s.prepareSandboxInfra(resource(context, req)).getResponseJson();
      case CLEANUP_SANDBOX_INFRA:
        return s.cleanupSandboxInfra(resource(context, req)).getResponseJson();
      case SET_APP_SECURITY_GROUPS:
        return s.setAppSecurityGroups(resource(context, req)).getResponseJson();
      default:
        throw new IllegalArgumentException("no RPC for " + command);
    }
  }

  /**
   * Asks the host what {@code command} would do with this context and request (the Plan RPC);
   * returns the plan JSON, as {@code hangar plan} prints it.
   *
   * @param command the command's standard or RPC name
   * @param deadline the call's deadline, or null for none
   * @throws StatusRuntimeException when the plan could not be made (INVALID_ARGUMENT for a
   *     command that cannot be planned) or the host could not be called
   * @throws IllegalArgumentException when the context JSON does not have the context's shape
   */
  public String plan(String command, JsonNode context, String request, Duration deadline) {
    CloudProviderGrpc.CloudProviderBlockingStub s = deadline == null ? stub
        : stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return s.plan(PlanRequest.newBuilder().setCommand(command)
        .setContext(ContextMessages.fromJson(context, ResourceCommandContext.newBuilder(),
            "context")).setRequestJson(request == null ? "" : request).build())
        .getResponseJson();
  }

  private static ResourceCommandRequest resource(JsonNode context, String request) {
    return ResourceCommandRequest.newBuilder().setContext(ContextMessages.fromJson(context,
        ResourceCommandContext.newBuilder(), "context")).setRequestJson(request).build();
  }

  private static ResourceRemoteCommandRequest remote(JsonNode context,
      Map<String, String> parameters) {
    return ResourceRemoteCommandRequest.newBuilder().setContext(ContextMessages.fromJson(
        context, ResourceRemoteCommandContext.newBuilder(), "context"))
        .putAllParameters(parameters).build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
