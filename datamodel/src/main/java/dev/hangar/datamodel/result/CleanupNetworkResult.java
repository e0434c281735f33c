package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code CleanupNetwork}. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record CleanupNetworkResult(
    String actionId, boolean success, String infoMessage, String errorMessage)
    implements ActionResult {
  public CleanupNetworkResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.CLEANUP_NETWORK;
  }
}
