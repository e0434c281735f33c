package dev.hangar.driver.ssh;

/**
 * An SSH login, tunnel or command failed. Messages name the login ({@code user@host:port}) and
 * what failed, never a key or password.
 */
public class SshException extends RuntimeException {
  private final boolean unreachable;

  public SshException(String message, boolean unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /**
   * True when the host could not be reached or went silent (worth retrying later); false for a
   * refused login or a bad key, which retrying does not fix.
   */
  public boolean unreachable() {
    return unreachable;
  }
}
