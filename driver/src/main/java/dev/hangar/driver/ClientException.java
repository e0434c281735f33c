package dev.hangar.driver;

/** Bad input: a malformed request or context, a bad attribute, an unknown deployment path. */
public final class ClientException extends HangarException {
  private static final long serialVersionUID = 1L;

  public ClientException(String message) {
    super(message, null);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
