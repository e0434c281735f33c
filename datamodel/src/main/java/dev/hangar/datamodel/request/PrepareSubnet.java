package dev.hangar.datamodel.request;

import java.util.List;

/** {@code prepareSubnet}: one subnet of the sandbox network. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record PrepareSubnet(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "prepareSubnet";

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code prepareSubnetParams}; {@code subnetServiceAttributes} may be null. */
  public record Params(
      String cidr, Boolean isPublic, String alias, List<Attribute> subnetServiceAttributes) {}
}
