package dev.hangar.options;

import java.util.List;
import java.util.Objects;

/**
 * One attribute of a deployment path or of the provider resource.
 *
 * @param name the attribute name as users see it (without any namespace)
 * @param userInput whether blueprint designers may set it per app
 * @param allowedValues the only values accepted; empty for any
 */
public record AttributeSpec(
    String name,
    AttributeType type,
    String defaultValue,
    String description,
    boolean userInput,
    List<String> allowedValues) {

  public AttributeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    defaultValue = defaultValue == null ? "" : defaultValue;
    description = description == null ? "" : description;
    allowedValues = List.copyOf(allowedValues == null ? List.of() : allowedValues);
  }

  public static AttributeSpec string(String name, String defaultValue, String description) {
    return new AttributeSpec(name, AttributeType.STRING, defaultValue, description, true,
        List.of());
  }

  public static AttributeSpec number(String name, String defaultValue, String description) {
    return new AttributeSpec(name, AttributeType.NUMERIC, defaultValue, description, true,
        List.of());
  }

  public static AttributeSpec bool(String name, boolean defaultValue, String description) {
    return new AttributeSpec(name, AttributeType.BOOLEAN, defaultValue ? "True" : "False",
        description, true, List.of("True", "False"));
  }

  public static AttributeSpec password(String name, String description) {
    return new AttributeSpec(name, AttributeType.PASSWORD, "", description, true, List.of());
  }

  public static AttributeSpec choice(String name, String defaultValue, String description,
      String... allowed) {
    return new AttributeSpec(name, AttributeType.STRING, defaultValue, description, true,
        List.of(allowed));
  }

  /** The same attribute, hidden from blueprint designers. */
  public AttributeSpec notUserInput() {
    return new AttributeSpec(name, type, defaultValue, description, false, allowedValues);
  }

  public boolean isSecret() {
    return type == AttributeType.PASSWORD;
  }
}
