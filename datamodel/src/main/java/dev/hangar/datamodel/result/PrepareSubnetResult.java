package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code PrepareSubnet}. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "subnetId"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record PrepareSubnetResult(
    String actionId, boolean success, String infoMessage, String errorMessage, String subnetId)
    implements ActionResult {
  public PrepareSubnetResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.PREPARE_SUBNET;
  }
}
