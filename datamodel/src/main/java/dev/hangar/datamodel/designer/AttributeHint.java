package dev.hangar.datamodel.designer;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An attribute with values: in get_attribute_hints' answer the values the attribute can take
 * ({@code [{"AttributeName":"<path>.<attr>","Values":[..]}]}), in its request the values filled in.
 */
public record AttributeHint(
    @JsonProperty("AttributeName") String name,
    @JsonProperty("Values") List<String> values) {
  public AttributeHint {
    values = values == null ? List.of() : List.copyOf(values);
  }
}
