package dev.hangar.host;

import dev.hangar.datamodel.context.ConnectivityContext;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.proto.v1.DecryptPasswordRequest;
import dev.hangar.proto.v1.OrchestratorCallbacksGrpc;
import dev.hangar.proto.v1.SetAttributeValueRequest;
import dev.hangar.proto.v1.SetResourceLiveStatusRequest;
import dev.hangar.proto.v1.UpdateResourceAddressRequest;
import dev.hangar.proto.v1.WriteMessageRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The orchestrator API of one command, over the OrchestratorCallbacks service at the address and
 * with the token of the command's connectivity section. Each call blocks (so the orchestrator sees
 * progress lines in order, before the command's answer) with a deadline; a failed call is a
 * {@link BackendException} that names the API and the status, never the token.
 */
final class GrpcOrchestratorApi implements OrchestratorApi {
  private final ConnectivityContext connectivity;
  private final CallbackChannels channels;
  private final Duration timeout;
  private final io.grpc.CallCredentials credentials;

  GrpcOrchestratorApi(ConnectivityContext connectivity, CallbackChannels channels,
      Duration timeout) {
    this.connectivity = connectivity;
    this.channels = channels;
    this.timeout = timeout;
    String token = connectivity == null ? null : connectivity.adminAuthToken();
    this.credentials = token == null || token.isBlank() ? null
        : new BearerToken(token).credentials();
  }

  @Override
  public void updateResourceAddress(String resourceName, String address) {
    call("UpdateResourceAddress", s -> s.updateResourceAddress(UpdateResourceAddressRequest
        .newBuilder().setResourceName(nz(resourceName)).setAddress(nz(address)).build()));
  }

  @Override
  public void setAttributeValue(String resourceFullName, String attributeName, String value) {
    call("SetAttributeValue", s -> s.setAttributeValue(SetAttributeValueRequest.newBuilder()
        .setResourceFullName(nz(resourceFullName)).setAttributeName(nz(attributeName))
        .setAttributeValue(nz(value)).build()));
  }

  @Override
  public void writeMessageToReservationOutput(String reservationId, String message) {
    call("WriteMessageToReservationOutput", s -> s.writeMessageToReservationOutput(
        WriteMessageRequest.newBuilder().setReservationId(nz(reservationId))
            .setMessage(nz(message)).build()));
  }

  @Override
  public String decryptPassword(String encrypted) {
    return call("DecryptPassword", s -> s.decryptPassword(DecryptPasswordRequest.newBuilder()
        .setEncrypted(nz(encrypted)).build())).getValue();
  }

  @Override
  public void setResourceLiveStatus(String resourceName, String liveStatusName,
      String additionalInfo) {
    call("SetResourceLiveStatus", s -> s.setResourceLiveStatus(SetResourceLiveStatusRequest
        .newBuilder().setResourceName(nz(resourceName)).setLiveStatusName(nz(liveStatusName))
        .setAdditionalInfo(nz(additionalInfo)).build()));
  }

  private <T> T call(String method,
      Function<OrchestratorCallbacksGrpc.OrchestratorCallbacksBlockingStub, T> body) {
    var stub = OrchestratorCallbacksGrpc.newBlockingStub(channels.channel(connectivity))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (credentials != null) {
      stub = stub.withCallCredentials(credentials);
    }
    try {
      return body.apply(stub);
    } catch (StatusRuntimeException e) {
      throw failure(method, e.getStatus());
    }
  }

  private BackendException failure(String method, Status status) {
    String api = "the orchestrator API at " + connectivity.serverAddress() + ":"
        + connectivity.cloudshellApiPort();
    switch (status.getCode()) {
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
        return BackendException.unavailable(api + " did not answer " + method + " ("
            + status.getCode() + ")", null);
      case UNAUTHENTICATED:
        return BackendException.failed(api + " refused the context's admin_auth_token for "
            + method + " (UNAUTHENTICATED)", null);
      default:
        return BackendException.failed(api + " answered " + method + " with " + status.getCode()
            + (status.getDescription() == null ? "" : ": " + status.getDescription()), null);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
