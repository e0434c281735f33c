package dev.hangar.driver.spi;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ReservationContextDetails;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.internal.SecretRedactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a backend gets for one command: the sandbox, the orchestrator API, cancellation, progress
 * reporting, and password decryption that keeps decrypted values out of messages and logs.
 */
public final class CommandScope {
  private static final Logger log = LoggerFactory.getLogger(CommandScope.class);

  private final String command;
  private final ReservationContextDetails sandbox;
  private final OrchestratorApi api;
  private final CancellationContext cancellation;
  private final SecretRedactor secrets;
  /** Progress goes to the log only (a scope made by {@link #forSandbox}). */
  private final boolean logOnly;

  public CommandScope(String command, ReservationContextDetails sandbox, OrchestratorApi api,
      CancellationContext cancellation, SecretRedactor secrets) {
    this(command, sandbox, api, cancellation, secrets, false);
  }

  private CommandScope(String command, ReservationContextDetails sandbox, OrchestratorApi api,
      CancellationContext cancellation, SecretRedactor secrets, boolean logOnly) {
    this.logOnly = logOnly;
    this.command = command;
    this.sandbox = sandbox;
    this.api = api;
    this.cancellation = cancellation == null ? CancellationContext.NONE : cancellation;
    this.secrets = secrets;
  }

  public String command() {
    return command;
  }

  /** The sandbox, or null for get_inventory. */
  public ReservationContextDetails sandbox() {
    return sandbox;
  }

  public String reservationId() {
    return sandbox == null || sandbox.reservationId() == null ? "" : sandbox.reservationId();
  }

  public OrchestratorApi api() {
    return api;
  }

  public boolean isCancelled() {
    return cancellation.isCancelled();
  }

  /** Throws when the caller cancelled; call between steps, then roll back what was made. */
  public void checkCancelled(String step) {
    if (cancellation.isCancelled()) {
      throw new CommandCancelledException(command + " was cancelled before " + step);
    }
  }

  /** A progress line in the sandbox output; failing to write it never fails the command. */
  public void progress(String message) {
    String safe = secrets.redact(message);
    log.info("{}", safe);
    if (sandbox == null || sandbox.reservationId() == null || logOnly) {
      return;
    }
    try {
      api.writeMessageToReservationOutput(sandbox.reservationId(), safe);
    } catch (RuntimeException e) {
      log.warn("could not write progress to the sandbox output: {}", e.getClass().getSimpleName());
    }
  }

  /** Decrypts a password attribute; the plain value is remembered as a secret to redact. */
  public String decrypt(String encrypted) {
    if (encrypted == null || encrypted.isEmpty()) {
      return "";
    }
    secrets.add(encrypted);
    String plain = api.decryptPassword(encrypted);
    secrets.add(plain);
    return plain;
  }

  /**
   * A scope for work on another sandbox than the command's (the reaper's): the same API for
   * decryption, the same cancellation and secrets, but progress only in the log, never in that
   * sandbox's output (it may be long over).
   */
  public CommandScope forSandbox(String reservationId) {
    ReservationContextDetails other = new ReservationContextDetails(reservationId, null, null,
        null, null, null, null, null, null, null, null);
    return new CommandScope(command, other, api, cancellation, secrets, true);
  }

  /** Removes known secrets from a message meant for users or logs. */
  public String redact(String message) {
    return secrets.redact(message);
  }

  /** Registers a value to keep out of messages and logs (keys, tokens). */
  public void addSecret(String value) {
    secrets.add(value);
  }
}
