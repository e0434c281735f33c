package dev.hangar.options;

/** An attribute value that cannot be used; the message names the attribute and what is allowed. */
public final class InvalidAttributeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidAttributeException(String message) {
    super(message);
  }
}
