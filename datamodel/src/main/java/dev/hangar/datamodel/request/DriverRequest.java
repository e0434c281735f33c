package dev.hangar.datamodel.request;

import java.util.List;

/** The {@code driverRequest} of a command: its actions in the order sent. */
public record DriverRequest(List<Action> actions) {
  public DriverRequest {
    actions = List.copyOf(actions);
  }
}
