package dev.hangar.driver.ovsdb;

import java.util.Map;

/**
 * A port of a bridge with its single interface: the name is both the Port's and the
 * Interface's (an internal-less {@code system} interface whose netdev qemu creates).
 * {@code externalIds} go on the Interface row (OVS convention: {@code iface-id},
 * {@code attached-mac}, {@code vm-id}).
 */
public record OvsPort(String name, PortVlan vlan, Map<String, String> externalIds) {
  public OvsPort {
    externalIds = Map.copyOf(externalIds);
  }
}
