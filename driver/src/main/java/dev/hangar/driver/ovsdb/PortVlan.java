package dev.hangar.driver.ovsdb;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A port's VLAN columns: {@code tag} (null = unset), {@code trunks} (empty = unset) and
 * {@code vlan_mode} (null = unset). Use the factories: they never produce an untagged port or a
 * trunk with an empty {@code trunks} (which OVS reads as "every VLAN").
 */
public record PortVlan(Integer tag, SortedSet<Integer> trunks, String vlanMode) {
  /**
   * The VLAN a parked NIC sits on. Open vSwitch forwards on it like on any other VLAN, so parked
   * ports are also written {@code protected=true}: protected ports never reach each other, and
   * only parked ports use this VLAN.
   */
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

  /**
   * QinQ: {@code vlan_mode=dot1q-tunnel} with the service VLAN as tag; every customer VLAN is
   * carried ({@code cvlans} stays empty), trunks cleared.
   */
  public static PortVlan dot1qTunnel(int serviceVlan) {
    return new PortVlan(serviceVlan, new TreeSet<>(), "dot1q-tunnel");
  }

  public boolean isParked() {
    return tag != null && tag == PARKED_TAG && trunks.isEmpty() && vlanMode == null;
  }
}
