package dev.hangar.driver.ovsdb.internal;

import org.opendaylight.ovsdb.lib.schema.ColumnSchema;
import org.opendaylight.ovsdb.lib.schema.DatabaseSchema;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/**
 * The tables and columns of the Open_vSwitch database that Hangar touches, looked up once per
 * connection in the schema the server sent, so that a server without them fails on connecting
 * with a clear message rather than later with a NullPointerException inside the library.
 */
final class VswitchTables {
  static final String DATABASE = "Open_vSwitch";

  final GenericTableSchema bridge;
  final GenericTableSchema port;
  final GenericTableSchema iface;

  final ColumnSchema<GenericTableSchema, Object> bridgeName;
  final ColumnSchema<GenericTableSchema, Object> bridgePorts;
  final ColumnSchema<GenericTableSchema, Object> bridgeExternalIds;
  final ColumnSchema<GenericTableSchema, Object> portUuid;
  final ColumnSchema<GenericTableSchema, Object> portName;
  final ColumnSchema<GenericTableSchema, Object> portTag;
  final ColumnSchema<GenericTableSchema, Object> portTrunks;
  final ColumnSchema<GenericTableSchema, Object> portVlanMode;
  final ColumnSchema<GenericTableSchema, Object> portProtected;
  final ColumnSchema<GenericTableSchema, Object> portInterfaces;
  final ColumnSchema<GenericTableSchema, Object> ifaceUuid;
  final ColumnSchema<GenericTableSchema, Object> ifaceName;
  final ColumnSchema<GenericTableSchema, Object> ifaceType;
  final ColumnSchema<GenericTableSchema, Object> ifaceExternalIds;
  final ColumnSchema<GenericTableSchema, Object> ifaceOptions;

  VswitchTables(DatabaseSchema schema) {
    bridge = table(schema, "Bridge");
    port = table(schema, "Port");
    iface = table(schema, "Interface");
    bridgeName = column(bridge, "name");
    bridgePorts = column(bridge, "ports");
    bridgeExternalIds = column(bridge, "external_ids");
    portUuid = column(port, "_uuid");
    portName = column(port, "name");
    portTag = column(port, "tag");
    portTrunks = column(port, "trunks");
    portVlanMode = column(port, "vlan_mode");
    portProtected = column(port, "protected");
    portInterfaces = column(port, "interfaces");
    ifaceUuid = column(iface, "_uuid");
    ifaceName = column(iface, "name");
    ifaceType = column(iface, "type");
    ifaceExternalIds = column(iface, "external_ids");
    ifaceOptions = column(iface, "options");
  }

  private static GenericTableSchema table(DatabaseSchema schema, String name) {
    if (!schema.hasTable(name)) {
      throw new IllegalStateException("the " + schema.getName() + " schema has no " + name
          + " table");
    }
    return schema.table(name, GenericTableSchema.class);
  }

  private static ColumnSchema<GenericTableSchema, Object> column(GenericTableSchema table,
      String name) {
    ColumnSchema<GenericTableSchema, Object> c = table.column(name, Object.class);
    if (c == null) {
      throw new IllegalStateException("the " + table.getName() + " table has no " + name
          + " column");
    }
    return c;
  }
}
