package dev.hangar.datamodel.request;

import java.util.List;

/** {@code createKeys}: the sandbox's SSH key pair. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record CreateKeys(
    String actionId, ActionTarget actionTarget, List<Attribute> customActionAttributes)
    implements Action {
  public static final String TYPE = "createKeys";

  @Override
  public String type() {
    return TYPE;
  }
}
