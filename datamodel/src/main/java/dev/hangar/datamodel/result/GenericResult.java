package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A result with only the common fields: the error of an action Hangar does not know, or a result
 * of a type this model does not describe (read from a response).
 */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage"})
public record GenericResult(
    String type, String actionId, boolean success, String infoMessage,
    String errorMessage) implements ActionResult {
  public GenericResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

}
