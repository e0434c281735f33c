package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opendaylight.ovsdb.lib.notation.Column;
import org.opendaylight.ovsdb.lib.notation.Row;
import org.opendaylight.ovsdb.lib.notation.UUID;
import org.opendaylight.ovsdb.lib.operations.Operation;
import org.opendaylight.ovsdb.lib.operations.OperationResult;
import org.opendaylight.ovsdb.lib.operations.Operations;
import org.opendaylight.ovsdb.lib.operations.Select;
import org.opendaylight.ovsdb.lib.schema.ColumnSchema;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/**
 * Reads a bridge's ports in one request: a read-only transaction of three selects (the bridge's
 * port set, every Port's VLAN columns, every Interface's external_ids), joined here by row uuid,
 * since OVSDB has no joins.
 */
final class PortReads {
  /** A port of the bridge with the uuid of its Port row (deletes and updates need it). */
  record PortRow(UUID uuid, OvsPort port) {
  }

  /** The bridge's ports by name, or {@code bridgeExists == false}. */
  record Snapshot(boolean bridgeExists, Map<String, PortRow> ports,
      Map<String, String> bridgeIds) {
  }

  private PortReads() {
  }

  /** Whether the bridge exists: one select. */
  @SuppressWarnings("rawtypes") // the library's Where.build() gives a raw Operation
  static List<Operation> bridgeOps(VswitchTables t, String bridge) {
    return List.of(select(t.bridge, List.of(t.bridgeName)).where(t.bridgeName.opEqual(bridge))
        .build());
  }

  static boolean bridgeExists(List<OperationResult> results) {
    return !rows(results, 0).isEmpty();
  }

  @SuppressWarnings("rawtypes")
  static List<Operation> portOps(VswitchTables t, String bridge) {
    return List.of(
        select(t.bridge, List.of(t.bridgePorts, t.bridgeExternalIds))
            .where(t.bridgeName.opEqual(bridge)).build(),
        select(t.port, List.of(t.portUuid, t.portName, t.portTag, t.portTrunks, t.portVlanMode,
            t.portInterfaces)),
        select(t.iface, List.of(t.ifaceUuid, t.ifaceExternalIds)));
  }

  /**
   * The named ports only: the bridge's port set, then a Port and an Interface select per name
   * (by the tables' name index), so the cost follows the names asked for, not the bridge's size.
   */
  @SuppressWarnings("rawtypes")
  static List<Operation> namedPortOps(VswitchTables t, String bridge, Collection<String> names) {
    List<Operation> ops = new ArrayList<>();
    ops.add(select(t.bridge, List.of(t.bridgePorts)).where(t.bridgeName.opEqual(bridge)).build());
    for (String name : names) {
      ops.add(select(t.port, List.of(t.portUuid, t.portName, t.portTag, t.portTrunks,
          t.portVlanMode, t.portInterfaces)).where(t.portName.opEqual(name)).build());
      ops.add(select(t.iface, List.of(t.ifaceUuid, t.ifaceExternalIds))
          .where(t.ifaceName.opEqual(name)).build());
    }
    return ops;
  }

  /** The answer to {@link #portOps}. */
  static Snapshot ports(VswitchTables t, String bridgeName, List<OperationResult> results) {
    return snapshot(t, bridgeName, rows(results, 0), rows(results, 1), rows(results, 2));
  }

  /** The answer to {@link #namedPortOps}. */
  static Snapshot namedPorts(VswitchTables t, String bridgeName, List<OperationResult> results) {
    List<Row<GenericTableSchema>> ports = new ArrayList<>();
    List<Row<GenericTableSchema>> ifaces = new ArrayList<>();
    for (int i = 1; i < results.size(); i += 2) {
      ports.addAll(rows(results, i));
      ifaces.addAll(rows(results, i + 1));
    }
    return snapshot(t, bridgeName, rows(results, 0), ports, ifaces);
  }

  private static Snapshot snapshot(VswitchTables t, String bridgeName,
      List<Row<GenericTableSchema>> bridges, List<Row<GenericTableSchema>> portRows,
      List<Row<GenericTableSchema>> ifaceRows) {
    if (bridges.isEmpty()) {
      return new Snapshot(false, Map.of(), Map.of());
    }
    Set<Object> members = set(data(bridges.get(0), t.bridgePorts));
    Map<Object, Map<String, String>> ifaceIds = new HashMap<>();
    for (Row<GenericTableSchema> r : ifaceRows) {
      ifaceIds.put(data(r, t.ifaceUuid), strings(data(r, t.ifaceExternalIds)));
    }
    Map<String, PortRow> ports = new LinkedHashMap<>();
    for (Row<GenericTableSchema> r : portRows) {
      Object uuid = data(r, t.portUuid);
      if (!members.contains(uuid)) {
        continue; // a port of another bridge
      }
      String name = String.valueOf(data(r, t.portName));
      if (name.equals(bridgeName)) {
        continue; // the bridge's own local port: never a vNIC, never to be touched
      }
      Map<String, String> ids = Map.of();
      for (Object i : set(data(r, t.portInterfaces))) {
        // Hangar's ports have one interface; a bond's first one with ids stands for it.
        ids = ifaceIds.getOrDefault(i, Map.of());
        if (!ids.isEmpty()) {
          break;
        }
      }
      ports.put(name, new PortRow((UUID) uuid, new OvsPort(name, vlan(t, r), ids)));
    }
    return new Snapshot(true, ports, strings(data(bridges.get(0), t.bridgeExternalIds)));
  }

  private static PortVlan vlan(VswitchTables t, Row<GenericTableSchema> r) {
    Set<Object> tag = set(data(r, t.portTag));
    TreeSet<Integer> trunks = new TreeSet<>();
    for (Object o : set(data(r, t.portTrunks))) {
      trunks.add(((Number) o).intValue());
    }
    Set<Object> mode = set(data(r, t.portVlanMode));
    return new PortVlan(tag.isEmpty() ? null : ((Number) tag.iterator().next()).intValue(),
        trunks, mode.isEmpty() ? null : String.valueOf(mode.iterator().next()));
  }

  private static Select<GenericTableSchema> select(GenericTableSchema table,
      List<ColumnSchema<GenericTableSchema, Object>> columns) {
    Select<GenericTableSchema> s = Operations.op.select(table);
    columns.forEach(s::column);
    return s;
  }

  private static List<Row<GenericTableSchema>> rows(List<OperationResult> results, int i) {
    if (i >= results.size() || results.get(i).getRows() == null) {
      return List.of();
    }
    return results.get(i).getRows();
  }

  private static Object data(Row<GenericTableSchema> row,
      ColumnSchema<GenericTableSchema, Object> column) {
    Column<GenericTableSchema, Object> c = row.getColumn(column);
    return c == null ? null : c.getData();
  }

  /** An optional or set column as a set: the library gives a set, a bare atom or null. */
  @SuppressWarnings("unchecked")
  private static Set<Object> set(Object data) {
    if (data == null) {
      return Set.of();
    }
    if (data instanceof Set<?> s) {
      return (Set<Object>) s;
    }
    return Set.of(data);
  }

  private static Map<String, String> strings(Object data) {
    if (!(data instanceof Map<?, ?> m)) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }
}
