package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.opendaylight.ovsdb.lib.notation.Mutator;
import org.opendaylight.ovsdb.lib.notation.OvsdbMap;
import org.opendaylight.ovsdb.lib.notation.UUID;
import org.opendaylight.ovsdb.lib.operations.Insert;
import org.opendaylight.ovsdb.lib.operations.Mutate;
import org.opendaylight.ovsdb.lib.operations.Operation;
import org.opendaylight.ovsdb.lib.operations.OperationResult;
import org.opendaylight.ovsdb.lib.operations.Operations;
import org.opendaylight.ovsdb.lib.operations.Update;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/**
 * Turns {@link PortChanges} into one OVSDB transaction, and checks its results.
 *
 * <p>The transaction: a wait that fails it unless the bridge exists; an Interface and a Port row
 * per new port (named uuids tie them together and to the bridge); an update of the VLAN columns
 * of each existing port, by its row uuid; one mutation of the bridge's {@code ports} set that adds
 * the new ports and drops the deleted ones. Port and Interface rows are not root rows, so OVSDB
 * removes the deleted ones itself once the bridge no longer refers to them.
 */
final class PortWrites {
  /** The operations and, for messages, what each one does. */
  record Plan(List<Operation<GenericTableSchema>> ops, List<String> what) {
  }

  private PortWrites() {
  }

  /**
   * @param existing the bridge's ports now (uuid by name); only needed, and only read, when there
   *     are updates or deletes. A port not in it is gone: its update or delete is dropped.
   */
  static Plan plan(VswitchTables t, String bridge, PortChanges changes,
      Map<String, UUID> existing) {
    List<Operation<GenericTableSchema>> ops = new ArrayList<>();
    List<String> what = new ArrayList<>();
    ops.add(new WaitOperation(t.bridge, t.bridgeName, bridge));
    what.add("check that bridge " + bridge + " exists");
    if (changes.bridgeIdsBefore() != null) {
      ops.add(new WaitOperation(t.bridge, t.bridgeName, bridge, t.bridgeExternalIds,
          OvsdbMap.fromMap(new TreeMap<>(changes.bridgeIdsBefore()))));
      what.add("check that the external_ids of bridge " + bridge + " are as read (another"
          + " request changed them meanwhile; retry)");
    }

    Set<UUID> added = new HashSet<>();
    int i = 0;
    for (OvsPort p : changes.inserts()) {
      // Named uuids must look like identifiers and must not parse as real uuids.
      UUID ifaceRef = new UUID("hgi" + i);
      UUID portRef = new UUID("hgp" + i);
      i++;
      Insert<GenericTableSchema> iface = Operations.op.insert(t.iface).withId(ifaceRef.toString())
          .value(t.ifaceName, p.name())
          .value(t.ifaceType, p.ifaceType())
          .value(t.ifaceExternalIds, Map.copyOf(p.externalIds()));
      if (!p.options().isEmpty()) {
        iface.value(t.ifaceOptions, Map.copyOf(p.options()));
      }
      ops.add(iface);
      what.add("insert interface " + p.name());
      Insert<GenericTableSchema> port = Operations.op.insert(t.port).withId(portRef.toString())
          .value(t.portName, p.name())
          .value(t.portInterfaces, Set.of(ifaceRef));
      vlan(t, port, p.vlan());
      port.value(t.portProtected, p.isProtected());
      ops.add(port);
      what.add("insert port " + p.name());
      added.add(portRef);
    }

    // Sorted, so that the same changes always make the same transaction.
    for (Map.Entry<String, PortVlan> u : new TreeMap<>(changes.vlanUpdates()).entrySet()) {
      UUID uuid = existing.get(u.getKey());
      if (uuid == null) {
        continue; // gone: an update of it reports nothing
      }
      Update<GenericTableSchema> update = Operations.op.update(t.port);
      update.set(t.portTag, tag(u.getValue()));
      update.set(t.portTrunks, trunks(u.getValue()));
      update.set(t.portVlanMode, mode(u.getValue()));
      update.set(t.portProtected, u.getValue().isParked());
      update.where(t.portUuid.opEqual(uuid));
      ops.add(update);
      what.add("update the VLAN of port " + u.getKey());
    }

    Set<UUID> removed = new HashSet<>();
    for (String name : changes.deletes()) {
      UUID uuid = existing.get(name);
      if (uuid != null) {
        removed.add(uuid); // a port already gone is success
      }
    }
    // A key is set by deleting it first: inserting a key that exists changes nothing.
    Set<String> unset = new TreeSet<>(changes.bridgeIdsDeleted());
    unset.addAll(changes.bridgeIdsSet().keySet());
    if (!added.isEmpty() || !removed.isEmpty() || !unset.isEmpty()) {
      Mutate<GenericTableSchema> mutate = Operations.op.mutate(t.bridge);
      if (!added.isEmpty()) {
        mutate.addMutation(t.bridgePorts, Mutator.INSERT, added);
      }
      if (!removed.isEmpty()) {
        mutate.addMutation(t.bridgePorts, Mutator.DELETE, removed);
      }
      if (!unset.isEmpty()) {
        mutate.addMutation(t.bridgeExternalIds, Mutator.DELETE, unset);
      }
      if (!changes.bridgeIdsSet().isEmpty()) {
        mutate.addMutation(t.bridgeExternalIds, Mutator.INSERT,
            new TreeMap<>(changes.bridgeIdsSet()));
      }
      mutate.where(t.bridgeName.opEqual(bridge));
      ops.add(mutate);
      what.add("change the port set of bridge " + bridge);
    }
    return new Plan(ops, what);
  }

  /**
   * Throws unless every operation succeeded. OVSDB answers a failed transaction with an error in
   * the failing operation's result (and nulls after it), or with one extra error result when the
   * commit itself failed; either way nothing of it was applied.
   */
  static void check(Plan plan, List<OperationResult> results, String endpoint, String bridge) {
    for (int i = 0; i < results.size(); i++) {
      OperationResult r = results.get(i);
      if (r == null || r.getError() == null) {
        continue;
      }
      if (i == 0 && "timed out".equals(r.getError())) {
        throw new OvsdbException("bridge " + bridge + " does not exist on " + endpoint
            + " (nothing was changed)", false, null);
      }
      String step = i < plan.what().size() ? plan.what().get(i) : "committing the transaction";
      throw new OvsdbException("OVSDB at " + endpoint + " refused the changes to bridge " + bridge
          + " (nothing was applied): " + step + ": " + r.getError()
          + (r.getDetails() == null ? "" : ": " + r.getDetails()), false, null);
    }
    if (results.size() < plan.ops().size()) {
      throw new OvsdbException("OVSDB at " + endpoint + " answered " + results.size()
          + " results for " + plan.ops().size() + " operations on bridge " + bridge, false, null);
    }
  }

  private static void vlan(VswitchTables t, Insert<GenericTableSchema> insert, PortVlan v) {
    insert.value(t.portTag, tag(v)).value(t.portTrunks, trunks(v)).value(t.portVlanMode, mode(v));
  }

  /** Unset columns are written as empty sets: "no tag", not "tag 0". */
  private static Object tag(PortVlan v) {
    return v.tag() == null ? Set.of() : Set.of(v.tag().longValue());
  }

  private static Object trunks(PortVlan v) {
    Set<Long> out = new TreeSet<>();
    v.trunks().forEach(n -> out.add(n.longValue()));
    return out;
  }

  private static Object mode(PortVlan v) {
    return v.vlanMode() == null ? Set.of() : Set.of(v.vlanMode());
  }
}
