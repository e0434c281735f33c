package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsdbException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for the library's replies. The library never fails a request by itself when its connection
 * closes or its server goes silent: it leaves the future pending (until the process-wide reaper
 * cancels it). So every wait here is bounded by a deadline and watches the connection, and turns
 * both into an {@link OvsdbException} that says which server and what was asked.
 */
final class Requests {
  /** How often a wait looks at the connection: the delay before a closed one is noticed. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Requests() {
  }

  /**
   * The reply of {@code future}, by {@code deadline} ({@link System#nanoTime()}).
   *
   * @param alive false once the connection closed
   * @param closedWhy why it closed, for the message (may return null)
   * @param what what was asked and of whom: "reading the ports of br-int on tcp:…"
   */
  static <T> T await(Future<T> future, long deadline, BooleanSupplier alive,
      Supplier<String> closedWhy, String what) {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        future.cancel(false);
        throw new OvsdbException(what + ": no answer in time (the server or the network to it"
            + " is stuck)", true, null);
      }
      try {
        return future.get(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (!alive.getAsBoolean()) {
          String why = closedWhy.get();
          throw new OvsdbException(what + ": the connection closed" + (why == null ? ""
              : " (" + why + ")"), true, null);
        }
      } catch (CancellationException e) {
        // The library's reaper gave up on it first.
        throw new OvsdbException(what + ": no answer in time", true, e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof CancellationException) {
          throw new OvsdbException(what + ": no answer in time", true, cause);
        }
        throw new OvsdbException(what + ": " + cause, !alive.getAsBoolean(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        future.cancel(false);
        throw new OvsdbException(what + ": interrupted", false, e);
      }
    }
  }
}
