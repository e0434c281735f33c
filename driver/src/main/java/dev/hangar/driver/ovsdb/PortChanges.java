package dev.hangar.driver.ovsdb;

import java.util.List;
import java.util.Map;

/**
 * What one transaction does to a bridge: ports to add (with their interface), VLAN columns to
 * set on existing ports (by port name), ports to remove (by name), and keys of the bridge's own
 * {@code external_ids} to set or remove. With {@code bridgeIdsBefore} non-null the transaction
 * fails, changing nothing, unless the bridge's {@code external_ids} are still exactly those (a
 * concurrent writer changed them since they were read).
 */
public record PortChanges(List<OvsPort> inserts, Map<String, PortVlan> vlanUpdates,
    List<String> deletes, Map<String, String> bridgeIdsSet, List<String> bridgeIdsDeleted,
    Map<String, String> bridgeIdsBefore) {
  public PortChanges {
    inserts = List.copyOf(inserts);
    vlanUpdates = Map.copyOf(vlanUpdates);
    deletes = List.copyOf(deletes);
    bridgeIdsSet = Map.copyOf(bridgeIdsSet);
    bridgeIdsDeleted = List.copyOf(bridgeIdsDeleted);
    bridgeIdsBefore = bridgeIdsBefore == null ? null : Map.copyOf(bridgeIdsBefore);
  }

  /** Port changes only. */
  public PortChanges(List<OvsPort> inserts, Map<String, PortVlan> vlanUpdates,
      List<String> deletes) {
    this(inserts, vlanUpdates, deletes, Map.of(), List.of(), null);
  }

  public static PortChanges insert(List<OvsPort> ports) {
    return new PortChanges(ports, Map.of(), List.of());
  }

  public static PortChanges delete(List<String> names) {
    return new PortChanges(List.of(), Map.of(), names);
  }

  /** These changes and {@code other}'s in one transaction (other's bridge check wins if set). */
  public PortChanges plus(PortChanges other) {
    List<OvsPort> ins = new java.util.ArrayList<>(inserts);
    ins.addAll(other.inserts);
    Map<String, PortVlan> upd = new java.util.HashMap<>(vlanUpdates);
    upd.putAll(other.vlanUpdates);
    List<String> del = new java.util.ArrayList<>(deletes);
    del.addAll(other.deletes);
    Map<String, String> set = new java.util.HashMap<>(bridgeIdsSet);
    set.putAll(other.bridgeIdsSet);
    List<String> unset = new java.util.ArrayList<>(bridgeIdsDeleted);
    unset.addAll(other.bridgeIdsDeleted);
    return new PortChanges(ins, upd, del, set, unset,
        other.bridgeIdsBefore != null ? other.bridgeIdsBefore : bridgeIdsBefore);
  }

  /** True when nothing is written (a bridge check alone writes nothing either). */
  public boolean isEmpty() {
    return inserts.isEmpty() && vlanUpdates.isEmpty() && deletes.isEmpty()
        && bridgeIdsSet.isEmpty() && bridgeIdsDeleted.isEmpty();
  }
}
