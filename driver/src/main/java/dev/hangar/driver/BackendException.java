package dev.hangar.driver;

/**
 * The cloud failed or could not be reached. {@code unavailable} means the backend could not be
 * reached at all (a gRPC host answers UNAVAILABLE); such failures are retryable.
 */
public final class BackendException extends HangarException {
  private static final long serialVersionUID = 1L;
  private final boolean unavailable;
  private final boolean retryable;

  public BackendException(String message, boolean retryable, boolean unavailable,
      Throwable cause) {
    super(message, cause);
    this.retryable = retryable || unavailable;
    this.unavailable = unavailable;
  }

  public static BackendException failed(String message, Throwable cause) {
    return new BackendException(message, false, false, cause);
  }

  public static BackendException unavailable(String message, Throwable cause) {
    return new BackendException(message, true, true, cause);
  }

  public boolean unavailable() {
    return unavailable;
  }

  @Override
  public boolean retryable() {
    return retryable;
  }
}
