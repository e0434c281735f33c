package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** {@code deployApp}: create the VM of one app. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record DeployApp(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "deployApp";

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code deployAppParams}. */
  public record Params(String appName, Deployment deployment, AppResource appResource) {}

  /** {@code deployAppDeploymentInfo}: the deployment path and its attribute values. */
  public record Deployment(String deploymentPath, List<Attribute> attributes) {
    /** A deployment attribute by plain or namespaced name, or null. */
    public String attribute(String name) {
      return Attributes.find(attributes, name);
    }
  }

  /** {@code appResourceInfo}: the attributes of the app resource (User, Password, Public IP). */
  public record AppResource(List<Attribute> attributes) {}

  @JsonIgnore
  public String appName() {
    return actionParams == null ? null : actionParams.appName();
  }

  @JsonIgnore
  public String deploymentPath() {
    return actionParams == null || actionParams.deployment() == null
        ? null : actionParams.deployment().deploymentPath();
  }
}
