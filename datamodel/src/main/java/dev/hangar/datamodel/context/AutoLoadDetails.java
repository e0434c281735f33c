package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The answer of get_inventory: sub-resources and attributes discovered (empty for a provider). */
public record AutoLoadDetails(List<AutoLoadResource> resources, List<AutoLoadAttribute> attributes) {
  public AutoLoadDetails {
    resources = resources == null ? List.of() : List.copyOf(resources);
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
  }

  public static AutoLoadDetails empty() {
    return new AutoLoadDetails(List.of(), List.of());
  }

  /** A discovered sub-resource. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record AutoLoadResource(
      String model, String name, String relativeAddress, String uniqueIdentifier) {}

  /** A discovered attribute value. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record AutoLoadAttribute(
      String relativeAddress, String attributeName, String attributeValue) {}
}
