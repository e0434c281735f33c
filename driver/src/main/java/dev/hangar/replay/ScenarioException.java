package dev.hangar.replay;

/** A scenario file that cannot be used; the message names the file, step and field. */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;

  public ScenarioException(String message) {
    super(message);
  }
}
