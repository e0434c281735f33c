package dev.hangar.host;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import io.grpc.Status;

/**
 * What a command raised, as a canonical gRPC status (the table is part of the contract, see
 * cloud_provider.proto). The description is the exception's message, which the driver has
 * already stripped of secrets; never a stack trace.
 */
final class StatusCodes {
  private StatusCodes() {}

  static Status of(RuntimeException e) {
    if (e instanceof ClientException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    }
    if (e instanceof BackendException b) {
      // Unreachable or transient: the orchestrator's retry policy keys on UNAVAILABLE.
      return (b.unavailable() || b.retryable() ? Status.UNAVAILABLE : Status.INTERNAL)
          .withDescription(e.getMessage());
    }
    if (e instanceof CommandCancelledException) {
      return Status.CANCELLED.withDescription(e.getMessage());
    }
    // A bug: its kind only, since its message may quote anything (the trace goes to the log).
    return Status.INTERNAL.withDescription("internal error (" + e.getClass().getSimpleName()
        + ")");
  }
}
