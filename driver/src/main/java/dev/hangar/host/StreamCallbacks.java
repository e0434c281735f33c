package dev.hangar.host;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.proto.v1.Callback;
import dev.hangar.proto.v1.CallbackResult;
import dev.hangar.proto.v1.DecryptPasswordRequest;
import dev.hangar.proto.v1.SetAttributeValueRequest;
import dev.hangar.proto.v1.SetResourceLiveStatusRequest;
import dev.hangar.proto.v1.UpdateResourceAddressRequest;
import dev.hangar.proto.v1.WriteMessageRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The orchestrator API of one RunCommand call: each API call is a {@link Callback} sent on the
 * call's own stream, answered by the caller's {@link CallbackResult} with the same id. Calls
 * block (progress lines reach the caller in order, before the answer) up to the callback
 * timeout; a failed or unanswered call is a {@link BackendException} naming the API method, never
 * a secret.
 */
final class StreamCallbacks implements OrchestratorApi {
  private final Consumer<Callback> send;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<CallbackResult>> pending = new ConcurrentHashMap<>();
  private volatile boolean ended;

  /** @param send writes one callback on the stream (thread-safe) */
  StreamCallbacks(Consumer<Callback> send, Duration timeout) {
    this.send = send;
    this.timeout = timeout;
  }

  /** The caller's answer to a callback; an id not awaited (late, unknown) is ignored. */
  void complete(CallbackResult result) {
    CompletableFuture<CallbackResult> f = pending.get(result.getId());
    if (f != null) {
      f.complete(result);
    }
  }

  /** The call ended: callbacks waiting (and later ones) fail at once. */
  void end() {
    ended = true;
    pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("ended")));
  }

  @Override
  public void updateResourceAddress(String resourceName, String address) {
    call("UpdateResourceAddress", Callback.newBuilder().setUpdateResourceAddress(
        UpdateResourceAddressRequest.newBuilder().setResourceName(nz(resourceName))
            .setAddress(nz(address))));
  }

  @Override
  public void setAttributeValue(String resourceFullName, String attributeName, String value) {
    call("SetAttributeValue", Callback.newBuilder().setSetAttributeValue(
        SetAttributeValueRequest.newBuilder().setResourceFullName(nz(resourceFullName))
            .setAttributeName(nz(attributeName)).setAttributeValue(nz(value))));
  }

  @Override
  public void writeMessageToReservationOutput(String reservationId, String message) {
    call("WriteMessageToReservationOutput", Callback.newBuilder()
        .setWriteMessageToReservationOutput(WriteMessageRequest.newBuilder()
            .setReservationId(nz(reservationId)).setMessage(nz(message))));
  }

  @Override
  public String decryptPassword(String encrypted) {
    CallbackResult r = call("DecryptPassword", Callback.newBuilder().setDecryptPassword(
        DecryptPasswordRequest.newBuilder().setEncrypted(nz(encrypted))));
    if (!r.hasDecrypted()) {
      throw BackendException.failed("the caller answered DecryptPassword without a value", null);
    }
    return r.getDecrypted().getValue();
  }

  @Override
  public void setResourceLiveStatus(String resourceName, String liveStatusName,
      String additionalInfo) {
    call("SetResourceLiveStatus", Callback.newBuilder().setSetResourceLiveStatus(
        SetResourceLiveStatusRequest.newBuilder().setResourceName(nz(resourceName))
            .setLiveStatusName(nz(liveStatusName)).setAdditionalInfo(nz(additionalInfo))));
  }

  private CallbackResult call(String method, Callback.Builder callback) {
    long id = ids.incrementAndGet();
    CompletableFuture<CallbackResult> f = new CompletableFuture<>();
    pending.put(id, f);
    try {
      if (ended) {
        throw gone(method);
      }
      try {
        send.accept(callback.setId(id).build());
      } catch (IllegalStateException e) {
        throw gone(method);
      }
      CallbackResult r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (r.hasError()) {
        String m = "the orchestrator API failed " + method + ": " + r.getError().getMessage();
        throw r.getError().getRetryable() ? BackendException.unavailable(m, null)
            : BackendException.failed(m, null);
      }
      return r;
    } catch (TimeoutException e) {
      throw BackendException.unavailable("the caller did not answer " + method + " within "
          + timeout.toSeconds() + " s", null);
    } catch (ExecutionException e) {
      throw gone(method);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandCancelledException("interrupted while waiting for " + method);
    } finally {
      pending.remove(id);
    }
  }

  private static BackendException gone(String method) {
    return BackendException.unavailable("the call ended before the caller answered " + method,
        null);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
