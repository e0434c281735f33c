package dev.hangar.datamodel.request;

import java.util.List;

/** {@code setVlan}. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record SetVlan(
    String actionId,
    ActionTarget actionTarget,
    String connectionId,
    ConnectionParams connectionParams,
    List<Attribute> connectorAttributes,
    List<Attribute> customActionAttributes) implements VlanAction {
  public static final String TYPE = "setVlan";

  @Override
  public String type() {
    return TYPE;
  }
}
