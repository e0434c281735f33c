package dev.hangar.driver.ovsdb;

/**
 * An OVSDB server could not be reached, did not answer in time, or refused a transaction.
 * Messages name the endpoint and what failed, never a credential.
 */
public class OvsdbException extends RuntimeException {
  private final boolean unreachable;

  public OvsdbException(String message, boolean unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /** True when the server could not be reached or went silent (worth retrying later). */
  public boolean unreachable() {
    return unreachable;
  }
}
