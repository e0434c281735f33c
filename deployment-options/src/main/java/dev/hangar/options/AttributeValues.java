package dev.hangar.options;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Typed attribute values read through their descriptors: a missing or empty value gives the
 * default; a value of the wrong type, or outside the allowed values, gives an
 * {@link InvalidAttributeException} that names the attribute (never the value of a secret).
 */
public final class AttributeValues {
  private final String owner;
  private final List<AttributeSpec> specs;
  private final UnaryOperator<String> lookup;

  /**
   * @param owner what the attributes belong to, for messages ("deployment path X")
   * @param lookup finds a raw value by plain attribute name (namespaces handled by the caller)
   */
  public AttributeValues(String owner, List<AttributeSpec> specs, UnaryOperator<String> lookup) {
    this.owner = owner;
    this.specs = List.copyOf(specs);
    this.lookup = lookup;
  }

  public String string(AttributeSpec spec) {
    String raw = raw(spec);
    if (!spec.allowedValues().isEmpty()) {
      for (String allowed : spec.allowedValues()) {
        if (allowed.equalsIgnoreCase(raw)) {
          return allowed;
        }
      }
      throw new InvalidAttributeException(where(spec) + " must be one of "
          + String.join(", ", spec.allowedValues()) + shown(spec, raw));
    }
    return raw;
  }

  public boolean bool(AttributeSpec spec) {
    String raw = raw(spec).strip().toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0", "" -> false;
      default -> throw new InvalidAttributeException(where(spec) + " must be True or False"
          + shown(spec, raw));
    };
  }

  public long number(AttributeSpec spec) {
    String raw = raw(spec).strip();
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new InvalidAttributeException(where(spec) + " must be a whole number"
          + shown(spec, raw));
    }
  }

  private String raw(AttributeSpec spec) {
    if (!declares(spec)) {
      throw new IllegalArgumentException(spec.name() + " is not an attribute of " + owner);
    }
    String v = lookup.apply(spec.name());
    return v == null || v.isBlank() ? spec.defaultValue() : v;
  }

  /** Callers pass the option's own constants: compare by identity before the record's fields. */
  private boolean declares(AttributeSpec spec) {
    for (AttributeSpec s : specs) {
      if (s == spec) {
        return true;
      }
    }
    return specs.contains(spec);
  }

  private String where(AttributeSpec spec) {
    return "attribute '" + spec.name() + "' of " + owner;
  }

  private static String shown(AttributeSpec spec, String raw) {
    if (spec.isSecret()) {
      return "";
    }
    String v = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    return " (got '" + v + "')";
  }
}
