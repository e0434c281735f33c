package dev.hangar.driver;

/**
 * What a command raises. {@link ClientException}: the input is wrong, retrying the same call
 * cannot help. {@link BackendException}: the cloud failed; {@link #retryable()} says whether a
 * retry may succeed. {@link CommandCancelledException}: the caller gave up. Messages are for users:
 * what failed, on which object, what to do; they never carry secrets.
 */
public abstract sealed class HangarException extends RuntimeException
    permits ClientException, BackendException, CommandCancelledException {
  private static final long serialVersionUID = 1L;

  protected HangarException(String message, Throwable cause) {
    super(message, cause);
  }

  public abstract boolean retryable();
}
