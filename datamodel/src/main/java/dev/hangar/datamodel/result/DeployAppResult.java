package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hangar.datamodel.request.Attribute;
import java.util.List;
import java.util.Map;

/**
 * {@code DeployApp}. The server keeps {@code vmUuid} (later {@code vmdetails.uid}) and
 * {@code deployedAppAdditionalData} (later {@code vmdetails.vmCustomParams} and setVlan's
 * {@code customActionAttributes}).
 */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "vmUuid",
    "vmName", "deployedAppAddress", "deployedAppAttributes", "deployedAppAdditionalData",
    "vmDetailsData"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record DeployAppResult(
    String actionId,
    boolean success,
    String infoMessage,
    String errorMessage,
    String vmUuid,
    String vmName,
    String deployedAppAddress,
    List<Attribute> deployedAppAttributes,
    Map<String, Object> deployedAppAdditionalData,
    VmDetailsData vmDetailsData) implements ActionResult {

  public DeployAppResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
    deployedAppAttributes = deployedAppAttributes == null ? List.of() : deployedAppAttributes;
    deployedAppAdditionalData =
        deployedAppAdditionalData == null ? Map.of() : deployedAppAdditionalData;
  }

  @Override
  public String type() {
    return ResultTypes.DEPLOY_APP;
  }

  /** A failed deploy: empty VM fields, the message for the user. */
  public static DeployAppResult failure(String actionId, String errorMessage) {
    return new DeployAppResult(actionId, false, "", errorMessage, "", "", "", List.of(), Map.of(),
        null);
  }
}
