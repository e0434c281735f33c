package dev.hangar.driver.internal;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.HangarException;
import java.util.function.Supplier;

/**
 * Runs a command body so that whatever escapes it is a {@link HangarException} whose message
 * holds no secret. The cause is dropped on purpose: its message may hold one; {@link Failures}
 * has logged the trace.
 */
public final class Guard {
  private Guard() {}

  public static <T> T call(CommandRun run, Supplier<T> body) {
    try {
      T value = body.get();
      run.log().outcome("ok");
      return value;
    } catch (RuntimeException e) {
      String message = Failures.message(e, run.secrets());
      run.log().outcome(e instanceof CommandCancelledException ? "cancelled" : "raised");
      throw rethrow(e, message);
    }
  }

  private static HangarException rethrow(RuntimeException e, String message) {
    if (e instanceof ClientException) {
      return new ClientException(message);
    }
    if (e instanceof CommandCancelledException) {
      return new CommandCancelledException(message);
    }
    if (e instanceof BackendException b) {
      return new BackendException(message, b.retryable(), b.unavailable(), null);
    }
    return BackendException.failed(message, null);
  }
}
