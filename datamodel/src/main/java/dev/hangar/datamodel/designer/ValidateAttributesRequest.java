package dev.hangar.datamodel.designer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.LenientStringDeserializer;
import java.util.List;

/**
 * validate_attributes' request, as the platform sends it when a blueprint designer saves an app
 * template (the vCenter 2G shell's shape, PascalCase):
 * {@code {"ActionId","DeploymentPath","Attributes":[{"AttributeName":"<path>.<attr>",
 * "AttributeValue"}]}}.
 */
public record ValidateAttributesRequest(
    @JsonProperty("ActionId") String actionId,
    @JsonProperty("DeploymentPath") String deploymentPath,
    @JsonProperty("Attributes") List<Value> attributes) {
  public ValidateAttributesRequest {
    attributes = attributes == null ? List.of() : attributes;
  }

  /** One attribute as the designer filled it in. */
  public record Value(
      @JsonProperty("AttributeName") String name,
      @JsonProperty("AttributeValue") @JsonDeserialize(using = LenientStringDeserializer.class)
          String value) {}
}
