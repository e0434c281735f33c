package dev.hangar.datamodel.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.request.Attributes;
import java.util.List;

/**
 * {@code app_request_json}: the app as the blueprint defines it, with its deployment path
 * ({@code deploymentService}) and logical resource. {@code installationService} is kept as sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppRequest(
    String name,
    String description,
    LogicalResource logicalResource,
    DeploymentService deploymentService,
    JsonNode installationService) {

  /** The app resource part: family, model and attributes (User, Password, Public IP). */
  public record LogicalResource(
      String family, String model, String driver, String description,
      List<NameValue> attributes) {}

  /**
   * The deployment path: {@code model} is {@code "<provider model>.<path>"}. The script fields
   * belong to script-based deployments, which Hangar does not run but keeps.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeploymentService(
      String cloudProviderName, String name, String model, String driver,
      List<NameValue> attributes, String scriptCommandName, List<JsonNode> scriptInputs) {

    /** A deployment attribute by plain or namespaced name, or null. */
    public String attribute(String attributeName) {
      return NameValues.find(attributes, attributeName);
    }
  }

  /** Lookup shared by the app documents. */
  static final class NameValues {
    private NameValues() {}

    static String find(List<NameValue> list, String name) {
      return Attributes.find(list, NameValue::name, NameValue::value, name);
    }
  }
}
