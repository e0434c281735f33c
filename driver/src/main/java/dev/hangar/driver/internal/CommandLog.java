package dev.hangar.driver.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The MDC of a command (reservationId, command; actionId per action) and its one summary line:
 * reservation, command, action count, duration, outcome.
 */
public final class CommandLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.hangar.command");
  private final String command;
  private final long start = System.nanoTime();
  private int actions;
  private String outcome = "raised";

  public CommandLog(String reservationId, String command) {
    this.command = command;
    MDC.put("reservationId", reservationId);
    MDC.put("command", command);
  }

  public void actions(int count) {
    this.actions = count;
  }

  /** Records how the command ended: "ok", "N of M failed", "cancelled", ... */
  public void outcome(String outcome) {
    this.outcome = outcome;
  }

  /** Runs with {@code actionId} in the MDC. */
  public static MDC.MDCCloseable action(String actionId) {
    return MDC.putCloseable("actionId", actionId == null ? "" : actionId);
  }

  @Override
  public void close() {
    long ms = (System.nanoTime() - start) / 1_000_000;
    log.info("command={} actions={} duration_ms={} outcome={}", command, actions, ms, outcome);
    MDC.remove("command");
    MDC.remove("reservationId");
    MDC.remove("actionId");
  }
}
