package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code DeleteSavedApp}. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record DeleteSavedAppResult(
    String actionId, boolean success, String infoMessage, String errorMessage)
    implements ActionResult {
  public DeleteSavedAppResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.DELETE_SAVED_APP;
  }
}
