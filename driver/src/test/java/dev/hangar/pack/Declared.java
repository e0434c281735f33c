package dev.hangar.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An attribute as a package yaml declares it, read back, comparable to its descriptor. */
record Declared(String name, String type, String defaultValue, String description,
    List<String> allowedValues, List<String> tags) {

  /** What the yaml should say for {@code spec} (allowed values of a boolean are its type). */
  static Declared expected(AttributeSpec spec, List<String> tags) {
    List<String> allowed = spec.type() == AttributeType.BOOLEAN ? List.of()
        : spec.allowedValues();
    return new Declared(spec.name(), spec.type().tosca(), spec.defaultValue(),
        spec.description(), allowed, tags);
  }

  static Declared read(String name, JsonNode p) {
    List<String> allowed = new ArrayList<>();
    for (JsonNode c : p.path("constraints")) {
      c.path("valid_values").forEach(v -> allowed.add(v.asText()));
    }
    List<String> tags = p.has("tags") ? new ArrayList<>() : null;
    p.path("tags").forEach(t -> tags.add(t.asText()));
    return new Declared(name, p.path("type").asText(null),
        ToscaYaml.defaultAsDescriptorString(p.get("default")), p.path("description").asText(""),
        allowed, tags);
  }

  /** Every property of a {@code properties} mapping, in order. */
  static Map<String, Declared> all(JsonNode properties) {
    Map<String, Declared> out = new LinkedHashMap<>();
    properties.fields().forEachRemaining(e -> out.put(e.getKey(), read(e.getKey(), e.getValue())));
    return out;
  }
}
