package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import java.io.IOException;

/**
 * Reads a document that arrives either as a JSON object or as a string holding JSON (as the
 * platform sends {@code app_request_json} and {@code deployed_app_json}); an empty string is null.
 */
public final class EmbeddedJsonDeserializer extends JsonDeserializer<Object>
    implements ContextualDeserializer {
  private final JavaType type;

  public EmbeddedJsonDeserializer() {
    this(null);
  }

  private EmbeddedJsonDeserializer(JavaType type) {
    this.type = type;
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    JavaType t = property != null ? property.getType() : ctxt.getContextualType();
    return new EmbeddedJsonDeserializer(t);
  }

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode node = ctxt.readTree(p);
    if (node.isTextual()) {
      String text = node.asText();
      if (text.isBlank()) {
        return null;
      }
      try {
        node = ((ObjectMapper) p.getCodec()).readTree(text);
      } catch (JsonProcessingException e) {
        return ctxt.handleWeirdStringValue(type.getRawClass(), "<embedded document>",
            "string does not hold valid JSON: %s", e.getOriginalMessage());
      }
    }
    if (node.isNull()) {
      return null;
    }
    return ctxt.readTreeAsValue(node, type);
  }
}
