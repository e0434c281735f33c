package dev.hangar.driver.spi;

import java.util.List;

/**
 * The plan of one action: the operations it would make, or (when {@code error} is not empty)
 * the error the command would answer for it.
 */
public record ActionPlan(String actionId, List<PlannedOperation> operations, String error) {
  public ActionPlan {
    operations = List.copyOf(operations);
    error = error == null ? "" : error;
  }

  public static ActionPlan failed(String actionId, String error) {
    return new ActionPlan(actionId, List.of(), error);
  }
}
