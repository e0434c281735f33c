package dev.hangar.driver.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One change a command would make, as a {@link Planner} predicts it: what would be created,
 * updated or deleted (or already exists and would be reused), of which kind, named how, where.
 *
 * @param op the change
 * @param kind what it is, in the cloud's words: {@code domain}, {@code volume}, {@code OVS port}
 * @param name the object's name ({@code ""} when it has none)
 * @param id the object's id ({@code ""} when it has none or it is not known before the change)
 * @param where the hypervisor URI or region
 * @param details further facts (the chosen host's free memory, a port's VLAN columns, ...)
 */
public record PlannedOperation(Op op, String kind, String name, String id, String where,
    Map<String, Object> details) {
  /** The change; written lower-case in the plan JSON. */
  public enum Op {
    CREATE, UPDATE, DELETE,
    /** Already there (a retried command would find it) and left as it is. */
    EXISTS
  }

  public PlannedOperation {
    Objects.requireNonNull(op, "op");
    kind = Objects.requireNonNullElse(kind, "");
    name = Objects.requireNonNullElse(name, "");
    id = Objects.requireNonNullElse(id, "");
    where = Objects.requireNonNullElse(where, "");
    // Insertion order is kept: the details read in the order the planner wrote them.
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
  }
}
