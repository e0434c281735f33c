package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code PrepareNetwork}, the result of prepareCloudInfra. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "networkId",
    "securityGroupId"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record PrepareNetworkResult(
    String actionId, boolean success, String infoMessage, String errorMessage,
    String networkId, String securityGroupId) implements ActionResult {
  public PrepareNetworkResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.PREPARE_NETWORK;
  }
}
