package dev.hangar.host.metrics;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;

/** The outcome label of a backend call or a callback: a fixed word per kind of failure. */
final class Outcome {
  static final String OK = "ok";

  private Outcome() {}

  /** {@code ok} for null, else the kind of {@code e}; never its message. */
  static String of(Throwable e) {
    if (e == null) {
      return OK;
    }
    if (e instanceof ClientException) {
      return "client_error";
    }
    if (e instanceof BackendException b) {
      return b.unavailable() ? "unavailable" : b.retryable() ? "retryable" : "failed";
    }
    if (e instanceof CommandCancelledException) {
      return "cancelled";
    }
    if (e instanceof UnsupportedOperationException) {
      return "unsupported";
    }
    return "internal";
  }
}
