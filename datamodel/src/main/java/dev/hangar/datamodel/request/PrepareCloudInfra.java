package dev.hangar.datamodel.request;

import java.util.List;

/** {@code prepareCloudInfra}: the sandbox network with its CIDR. Its result type is {@code PrepareNetwork}. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record PrepareCloudInfra(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "prepareCloudInfra";

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code prepareCloudInfraParams}. */
  public record Params(String cidr) {}
}
