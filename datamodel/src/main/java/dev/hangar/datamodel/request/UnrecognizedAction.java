package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An action Hangar cannot run: an unknown {@code type}, or a known one whose structure is broken.
 * It keeps the action as sent (so the request writes back unchanged) and the reason, which becomes
 * the action's error result.
 */
public record UnrecognizedAction(
    String actionId, String type, @JsonIgnore String reason, @JsonIgnore JsonNode raw)
    implements Action {

  @JsonValue
  public JsonNode json() {
    return raw;
  }

  @Override
  public ActionTarget actionTarget() {
    return null;
  }

  @Override
  public List<Attribute> customActionAttributes() {
    return List.of();
  }
}
