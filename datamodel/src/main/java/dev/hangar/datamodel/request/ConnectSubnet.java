package dev.hangar.datamodel.request;

import java.util.List;

/** {@code connectSubnet}: sent with deployApp on L3 clouds, one per vNIC of the new VM. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record ConnectSubnet(
    String actionId,
    ActionTarget actionTarget,
    Params actionParams,
    List<Attribute> customActionAttributes) implements Action {
  public static final String TYPE = "connectSubnet";

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code connectToSubnetParams}. {@code vnicName} is the requested vNIC index or name. */
  public record Params(
      String subnetId,
      String cidr,
      Boolean isPublic,
      String vnicName,
      List<Attribute> subnetServiceAttributes) {}
}
