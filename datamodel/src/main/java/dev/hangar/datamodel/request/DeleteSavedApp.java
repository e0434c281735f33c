package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code DeleteSavedApp}: remove the artifacts SaveApp made for one saved app. Field names are
 * cloudshell-cp-core's ({@code DeleteSavedAppParams}); {@code deleteSavedApp} reads the same.
 */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record DeleteSavedApp(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "DeleteSavedApp";

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code DeleteSavedAppParams}. */
  public record Params(
      String saveDeploymentModel,
      String savedSandboxId,
      List<Artifact> artifacts,
      String savedAppName) {
    public Params {
      artifacts = artifacts == null ? List.of() : artifacts;
    }

    /** The wire tag cloudshell-cp-core gives these params. */
    @JsonProperty("type")
    public String type() {
      return "DeleteSavedAppParams";
    }
  }

  @JsonIgnore
  public Params params() {
    return actionParams == null ? new Params(null, null, null, null) : actionParams;
  }
}
