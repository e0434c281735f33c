package dev.hangar.datamodel;

/**
 * The request as a whole cannot be read: not JSON, not the {@code driverRequest} envelope, or a
 * legacy format no current server sends. Problems with single actions never raise this; they
 * become per-action errors instead.
 */
public final class MalformedRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedRequestException(String message) {
    super(message);
  }
}
