package dev.hangar.datamodel.result;

import java.util.List;

/** The {@code driverResponse}: one result per action. */
public record DriverResponse(List<ActionResult> actionResults) {
  public DriverResponse {
    actionResults = List.copyOf(actionResults);
  }
}
