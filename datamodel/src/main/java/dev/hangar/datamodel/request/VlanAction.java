package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** {@code setVlan} or {@code removeVlan}: connect or disconnect one vNIC of an app. */
public sealed interface VlanAction extends Action permits SetVlan, RemoveVlan {
  String connectionId();

  ConnectionParams connectionParams();

  List<Attribute> connectorAttributes();

  /** The deployed VM's id ({@code VM_UUID} custom attribute), or null. */
  @JsonIgnore
  default String vmUuid() {
    return customAttribute("VM_UUID");
  }

  /** The requested vNIC ({@code Vnic Name} custom attribute), or null. */
  @JsonIgnore
  default String vnicName() {
    return customAttribute("Vnic Name");
  }

  /** The vNIC's MAC from an earlier setVlan ({@code Interface} connector attribute), or null. */
  @JsonIgnore
  default String interfaceMac() {
    return Attributes.find(connectorAttributes(), "Interface");
  }
}
