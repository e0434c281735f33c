package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a context's attribute map; values may be strings, booleans or numbers (null reads as ""). */
public final class LenientStringMapDeserializer extends JsonDeserializer<Map<String, String>> {
  @Override
  public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      @SuppressWarnings("unchecked")
      Map<String, String> none = (Map<String, String>) ctxt.handleUnexpectedToken(Map.class,
          p.currentToken(), p, "attributes must be an object of name: value");
      return none;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      p.nextToken();
      String value = LenientStringDeserializer.scalarText(p, ctxt);
      out.put(name, value == null ? "" : value);
    }
    return out;
  }
}
