package dev.hangar.datamodel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;

/**
 * An identifier that some senders write as a string ({@code "eni-1"}, a MAC) and others as a
 * number ({@code 0}); it writes back in the form it came in.
 */
public record WireId(String text, boolean numeric) {
  public WireId {
    text = text == null ? "" : text;
  }

  public static WireId of(String text) {
    return new WireId(text, false);
  }

  public static WireId of(long number) {
    return new WireId(Long.toString(number), true);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static WireId fromJson(JsonNode node) {
    if (node == null || node.isNull()) {
      return new WireId("", false);
    }
    return new WireId(node.asText(), node.isIntegralNumber());
  }

  @JsonValue
  JsonNode toJson() {
    return numeric
        ? JsonNodeFactory.instance.numberNode(new BigInteger(text))
        : JsonNodeFactory.instance.textNode(text);
  }

  @Override
  public String toString() {
    return text;
  }
}
