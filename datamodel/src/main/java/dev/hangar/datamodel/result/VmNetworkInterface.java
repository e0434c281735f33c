package dev.hangar.datamodel.result;

import dev.hangar.datamodel.WireId;
import java.util.List;

/** One vNIC of {@code vmNetworkData}. Ids are strings or numbers on the wire (see {@link WireId}). */
public record VmNetworkInterface(
    WireId interfaceId,
    WireId networkId,
    boolean isPrimary,
    boolean isPredefined,
    List<VmDetailsProperty> networkData,
    String privateIpAddress,
    String publicIpAddress) {
  public VmNetworkInterface {
    networkData = networkData == null ? List.of() : networkData;
    privateIpAddress = privateIpAddress == null ? "" : privateIpAddress;
    publicIpAddress = publicIpAddress == null ? "" : publicIpAddress;
  }
}
