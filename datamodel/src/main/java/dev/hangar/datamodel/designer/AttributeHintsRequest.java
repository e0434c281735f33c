package dev.hangar.datamodel.designer;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * get_attribute_hints' request (the vCenter 2G shell's shape): the deployment path, the attribute
 * whose values the designer asks for ({@code "<path>.<attr>"}), and the attributes filled in so
 * far: {@code {"DeploymentPath","AttributeName","AttributeValues":[{"AttributeName",
 * "Values":[..]}]}}.
 */
public record AttributeHintsRequest(
    @JsonProperty("DeploymentPath") String deploymentPath,
    @JsonProperty("AttributeName") String attributeName,
    @JsonProperty("AttributeValues") List<AttributeHint> attributeValues) {
  public AttributeHintsRequest {
    attributeValues = attributeValues == null ? List.of() : attributeValues;
  }
}
