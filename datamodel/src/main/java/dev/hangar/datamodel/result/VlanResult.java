package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code setVlan} / {@code removeVlan}; {@code updatedInterface} is the vNIC's MAC, which the
 * server sends back later as the {@code Interface} connector attribute of removeVlan.
 */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage",
    "updatedInterface"})
public record VlanResult(
    String type, String actionId, boolean success, String infoMessage,
    String errorMessage, String updatedInterface) implements ActionResult {
  public VlanResult {
    if (!ResultTypes.SET_VLAN.equals(type) && !ResultTypes.REMOVE_VLAN.equals(type)) {
      throw new IllegalArgumentException("VlanResult type must be setVlan or removeVlan: " + type);
    }
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
    updatedInterface = updatedInterface == null ? "" : updatedInterface;
  }

}
