package dev.hangar.driver.ovsdb;

import java.util.List;
import java.util.Map;

/**
 * What one transaction does to a bridge: ports to add (with their interface), VLAN columns to
 * set on existing ports (by port name), and ports to remove (by name).
 */
public record PortChanges(List<OvsPort> inserts, Map<String, PortVlan> vlanUpdates,
    List<String> deletes) {
  public PortChanges {
    inserts = List.copyOf(inserts);
    vlanUpdates = Map.copyOf(vlanUpdates);
    deletes = List.copyOf(deletes);
  }

  public static PortChanges insert(List<OvsPort> ports) {
    return new PortChanges(ports, Map.of(), List.of());
  }

  public static PortChanges delete(List<String> names) {
    return new PortChanges(List.of(), Map.of(), names);
  }

  public boolean isEmpty() {
    return inserts.isEmpty() && vlanUpdates.isEmpty() && deletes.isEmpty();
  }
}
