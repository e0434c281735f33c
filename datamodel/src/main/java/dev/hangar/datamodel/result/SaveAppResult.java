package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hangar.datamodel.request.Artifact;
import dev.hangar.datamodel.request.Attribute;
import java.util.List;

/**
 * {@code SaveApp}: the artifacts made, the attributes the saved app deploys with
 * ({@code savedEntityAttributes}, plain names of the deployment path {@code saveDeploymentModel}
 * names in full, as vCenter's shell returns them), and {@code additionalData}.
 */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "artifacts",
    "savedEntityAttributes", "saveDeploymentModel", "additionalData"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record SaveAppResult(
    String actionId, boolean success, String infoMessage, String errorMessage,
    List<Artifact> artifacts, List<Attribute> savedEntityAttributes, String saveDeploymentModel,
    List<DataElement> additionalData) implements ActionResult {
  public SaveAppResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
    artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    savedEntityAttributes = savedEntityAttributes == null ? List.of()
        : List.copyOf(savedEntityAttributes);
    saveDeploymentModel = saveDeploymentModel == null ? "" : saveDeploymentModel;
    additionalData = additionalData == null ? List.of() : List.copyOf(additionalData);
  }

  /** One entry of {@code additionalData} (cloudshell-cp-core's {@code DataElement}). */
  public record DataElement(String name, String value) {}

  public static SaveAppResult failure(String actionId, String errorMessage) {
    return new SaveAppResult(actionId, false, "", errorMessage, null, null, null, null);
  }

  @Override
  public String type() {
    return ResultTypes.SAVE_APP;
  }
}
