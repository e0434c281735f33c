package dev.hangar.driver.internal;

import dev.hangar.driver.ClientException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The commands beyond the standard are optional parts of a backend: a part it does not have (an
 * empty Optional, or a default method's UnsupportedOperationException) is a client error naming
 * the command and the Cloud Type, never an internal error.
 */
final class Capabilities {
  private Capabilities() {}

  /** The backend part, or a client error when this cloud has none. */
  static <T> T require(CommandRun run, Optional<T> part, String what) {
    return part.orElseThrow(() -> unsupported(run, what, null));
  }

  /** Runs a backend call; a call the backend does not implement becomes a client error. */
  static <T> T call(CommandRun run, String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (UnsupportedOperationException e) {
      throw unsupported(run, what, e.getMessage());
    }
  }

  static ClientException unsupported(CommandRun run, String what, String detail) {
    String command = run.command().standardName();
    String extra = detail == null || detail.isBlank() || detail.equals(command) ? ""
        : " (" + detail + ")";
    return new ClientException(command + " is not supported for Cloud Type '"
        + run.provider().raw("Cloud Type") + "': its backend has no " + what + extra);
  }
}
