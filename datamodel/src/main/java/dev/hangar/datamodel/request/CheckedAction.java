package dev.hangar.datamodel.request;

/** An action after {@link RequestValidator}: accepted to run, or rejected with a reason. */
public sealed interface CheckedAction {
  String actionId();

  String type();

  /** Passed every protocol rule; a backend may still fail it. */
  record Accepted(Action action) implements CheckedAction {
    @Override
    public String actionId() {
      return action.actionId();
    }

    @Override
    public String type() {
      return action.type();
    }
  }

  /** Breaks a protocol rule; {@code reason} is the per-action error message. */
  record Rejected(String actionId, String type, String reason) implements CheckedAction {}
}
