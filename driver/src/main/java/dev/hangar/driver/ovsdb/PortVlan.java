package dev.hangar.driver.ovsdb;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A port's VLAN columns: {@code tag} (null = unset), {@code trunks} (empty = unset) and
 * {@code vlan_mode} (null = unset). Use the factories: they never produce an untagged port or a
 * trunk with an empty {@code trunks} (which OVS reads as "every VLAN").
 */
public record PortVlan(Integer tag, SortedSet<Integer> trunks, String vlanMode) {
  /** The dead VLAN a parked NIC sits on. */
  public static final int PARKED_TAG = 4095;

  public PortVlan {
    trunks = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(trunks));
  }

  public static PortVlan parked() {
    return new PortVlan(PARKED_TAG, new TreeSet<>(), null);
  }

  /** Access: {@code tag=N}; trunks and vlan_mode cleared. */
  public static PortVlan access(int vlan) {
    return new PortVlan(vlan, new TreeSet<>(), null);
  }

  /** Trunk: {@code vlan_mode=trunk}, an explicit non-empty trunks set, no tag. */
  public static PortVlan trunk(SortedSet<Integer> vlans) {
    if (vlans.isEmpty()) {
      throw new IllegalArgumentException("a trunk needs at least one VLAN");
    }
    return new PortVlan(null, vlans, "trunk");
  }

  /** QinQ: {@code vlan_mode=dot1q-tunnel} with the service VLAN as tag. */
  public static PortVlan dot1qTunnel(int serviceVlan, SortedSet<Integer> customerVlans) {
    return new PortVlan(serviceVlan, customerVlans, "dot1q-tunnel");
  }

  public boolean isParked() {
    return tag != null && tag == PARKED_TAG && trunks.isEmpty() && vlanMode == null;
  }
}
