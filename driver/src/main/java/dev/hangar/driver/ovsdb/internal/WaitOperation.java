package dev.hangar.driver.ovsdb.internal;

import java.util.List;
import java.util.Map;
import org.opendaylight.ovsdb.lib.notation.Condition;
import org.opendaylight.ovsdb.lib.operations.Operation;
import org.opendaylight.ovsdb.lib.schema.ColumnSchema;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/**
 * RFC 7047's "wait" operation, which the library lacks: with timeout 0 it fails the whole
 * transaction at once unless the rows matching {@code where}, projected on one column, are exactly
 * the given value. Hangar uses it to make "the bridge exists" part of a transaction, so a write to a
 * missing bridge fails as a whole instead of leaving orphan rows and a mutation that matched
 * nothing. Jackson serializes it through the getters, as the library's own operations.
 */
final class WaitOperation extends Operation<GenericTableSchema> {
  private final List<Condition> where;
  private final List<String> columns;
  private final List<Map<String, Object>> rows;

  /** Fails the transaction unless exactly one row has {@code column == value}. */
  WaitOperation(GenericTableSchema table, ColumnSchema<GenericTableSchema, Object> column,
      Object value) {
    super(table, "wait");
    this.where = List.of(column.opEqual(value));
    this.columns = List.of(column.getName());
    this.rows = List.of(Map.of(column.getName(), value));
  }

  /**
   * Fails the transaction unless the row with {@code key == keyValue} has {@code column == value}
   * (e.g. a bridge's external_ids still as read).
   */
  WaitOperation(GenericTableSchema table, ColumnSchema<GenericTableSchema, Object> key,
      Object keyValue, ColumnSchema<GenericTableSchema, Object> column, Object value) {
    super(table, "wait");
    this.where = List.of(key.opEqual(keyValue));
    this.columns = List.of(column.getName());
    this.rows = List.of(Map.of(column.getName(), value));
  }

  public List<Condition> getWhere() {
    return where;
  }

  public List<String> getColumns() {
    return columns;
  }

  public String getUntil() {
    return "==";
  }

  public List<Map<String, Object>> getRows() {
    return rows;
  }

  public int getTimeout() {
    return 0;
  }
}
