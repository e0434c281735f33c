package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code SaveApp} (the platform's "save sandbox"): turn a deployed app's VM into an artifact a
 * deployment path deploys later. Field names are cloudshell-cp-core's ({@code SaveAppParams}).
 * The platform sends the type as {@code SaveApp}; {@code saveApp} reads the same.
 */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record SaveApp(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "SaveApp";

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * {@code SaveAppParams}. {@code deploymentPathAttributes} are the source app's deployment path
   * attributes, named plain or {@code "<path>.<attr>"}.
   */
  public record Params(
      String saveDeploymentModel,
      String savedSandboxId,
      String sourceVmUuid,
      String sourceAppName,
      List<Attribute> deploymentPathAttributes) {
    public Params {
      deploymentPathAttributes = deploymentPathAttributes == null ? List.of()
          : deploymentPathAttributes;
    }

    /** The wire tag cloudshell-cp-core gives these params. */
    @JsonProperty("type")
    public String type() {
      return "SaveAppParams";
    }
  }

  @JsonIgnore
  public Params params() {
    return actionParams == null ? new Params(null, null, null, null, null) : actionParams;
  }
}
