package dev.hangar.options;

import java.util.List;
import java.util.Optional;

/**
 * A deployment path: its name (as in {@code "Hangar Cloud Provider.<name>"}), the Cloud Type whose
 * backend deploys it, and its attributes (the standard ones included).
 */
public record DeploymentOption(
    String name, String cloudType, String description, List<AttributeSpec> attributes) {

  public DeploymentOption {
    attributes = List.copyOf(attributes);
    long distinct = attributes.stream().map(AttributeSpec::name).distinct().count();
    if (distinct != attributes.size()) {
      throw new IllegalArgumentException("deployment option " + name + " repeats an attribute");
    }
  }

  public Optional<AttributeSpec> attribute(String attributeName) {
    for (AttributeSpec a : attributes) {
      if (a.name().equals(attributeName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
