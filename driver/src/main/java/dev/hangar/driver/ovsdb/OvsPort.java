package dev.hangar.driver.ovsdb;

import java.util.Map;

/**
 * A port of a bridge with its single interface: the name is both the Port's and the
 * Interface's. A vNIC port has an empty {@code ifaceType} (a {@code system} interface whose
 * netdev qemu creates) and no options; a tunnel port has its type ({@code vxlan}) and options
 * ({@code key}, {@code remote_ip}, ...). {@code externalIds} go on the Interface row (OVS
 * convention: {@code iface-id}, {@code attached-mac}, {@code vm-id}). Ports read back from a
 * bridge carry their name, VLAN and external ids only.
 */
public record OvsPort(String name, PortVlan vlan, Map<String, String> externalIds,
    String ifaceType, Map<String, String> options) {
  public OvsPort {
    externalIds = Map.copyOf(externalIds);
    ifaceType = ifaceType == null ? "" : ifaceType;
    options = Map.copyOf(options);
  }

  /** A vNIC port. */
  public OvsPort(String name, PortVlan vlan, Map<String, String> externalIds) {
    this(name, vlan, externalIds, "", Map.of());
  }

  /**
   * True for a port written {@code protected}: a parked vNIC (parked ports must never reach
   * each other) and a tunnel (what arrives on one tunnel is never flooded into another, so a full
   * mesh of tunnels cannot loop a broadcast).
   */
  public boolean isProtected() {
    return vlan.isParked() || !ifaceType.isEmpty();
  }
}
