package dev.hangar.driver;

/** The caller cancelled the command; whatever it made has been rolled back. */
public final class CommandCancelledException extends HangarException {
  private static final long serialVersionUID = 1L;

  public CommandCancelledException(String message) {
    super(message, null);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
