package dev.hangar.datamodel.request;

import java.util.List;

/** {@code removeVlan}. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record RemoveVlan(
    String actionId,
    ActionTarget actionTarget,
    String connectionId,
    ConnectionParams connectionParams,
    List<Attribute> connectorAttributes,
    List<Attribute> customActionAttributes) implements VlanAction {
  public static final String TYPE = "removeVlan";

  @Override
  public String type() {
    return TYPE;
  }
}
