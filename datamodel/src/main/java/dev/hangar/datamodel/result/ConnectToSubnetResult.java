package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code ConnectToSubnet}; {@code interface} is a JSON string describing the vNIC. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "interface"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record ConnectToSubnetResult(
    String actionId, boolean success, String infoMessage, String errorMessage,
    @com.fasterxml.jackson.annotation.JsonProperty("interface") String interfaceJson)
    implements ActionResult {
  public ConnectToSubnetResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.CONNECT_TO_SUBNET;
  }
}
