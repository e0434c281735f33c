package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;

/**
 * Reads an attribute value as a string. Servers send strings ({@code "True"}, {@code "600"}), some
 * senders JSON booleans and numbers; those read as the string a server would have sent.
 */
public final class LenientStringDeserializer extends JsonDeserializer<String> {
  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return scalarText(p, ctxt);
  }

  static String scalarText(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> "True";
      case VALUE_FALSE -> "False";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
      case VALUE_NULL -> null;
      default -> (String) ctxt.handleUnexpectedToken(String.class, t, p,
          "expected a string, boolean or number");
    };
  }
}
