package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opendaylight.ovsdb.lib.notation.UUID;
import org.opendaylight.ovsdb.lib.operations.Operation;
import org.opendaylight.ovsdb.lib.operations.OperationResult;

/**
 * A session on a shared {@link Link}: every request is bounded by the session's timeout, and a
 * request that finds the connection dead or silent drops it from the connector, so that the next
 * {@code open} connects again.
 */
final class StandardSession implements OvsdbSession {
  private final StandardConnector owner;
  private final Link link;
  private final Duration timeout;
  private volatile boolean closed;

  StandardSession(StandardConnector owner, Link link, Duration timeout) {
    this.owner = owner;
    this.link = link;
    this.timeout = timeout;
  }

  @Override
  public String describe() {
    return link.endpoint.describe();
  }

  @Override
  public boolean bridgeExists(String bridge) {
    return PortReads.bridgeExists(transact(PortReads.bridgeOps(link.tables, bridge),
        "looking up bridge " + bridge));
  }

  @Override
  public Map<String, OvsPort> ports(String bridge) {
    Map<String, OvsPort> out = new LinkedHashMap<>();
    read(bridge).ports().forEach((name, row) -> out.put(name, row.port()));
    return out;
  }

  @Override
  public BridgeState bridge(String bridge) {
    PortReads.Snapshot s = read(bridge);
    Map<String, OvsPort> out = new LinkedHashMap<>();
    s.ports().forEach((name, row) -> out.put(name, row.port()));
    return new BridgeState(out, s.bridgeIds());
  }

  @Override
  public Map<String, OvsPort> ports(String bridge, Collection<String> names) {
    if (names.isEmpty()) {
      if (!bridgeExists(bridge)) {
        throw missingBridge(bridge);
      }
      return Map.of();
    }
    PortReads.Snapshot s = PortReads.namedPorts(link.tables, bridge, transact(
        PortReads.namedPortOps(link.tables, bridge, names), "reading ports of bridge " + bridge));
    if (!s.bridgeExists()) {
      throw missingBridge(bridge);
    }
    Map<String, OvsPort> out = new LinkedHashMap<>();
    s.ports().forEach((name, row) -> out.put(name, row.port()));
    return out;
  }

  @Override
  public void apply(String bridge, PortChanges changes) {
    if (changes.isEmpty()) {
      return;
    }
    Map<String, UUID> existing = new HashMap<>();
    if (!changes.vlanUpdates().isEmpty() || !changes.deletes().isEmpty()) {
      // Updates and deletes address rows by uuid: one read first. A port that appears in
      // between under a deleted name is left alone; one that vanished is skipped.
      read(bridge).ports().forEach((name, row) -> existing.put(name, row.uuid()));
    }
    PortWrites.Plan plan = PortWrites.plan(link.tables, bridge, changes, existing);
    List<OperationResult> results = transact(plan.ops(), "changing the ports of bridge " + bridge);
    PortWrites.check(plan, results, describe(), bridge);
  }

  private PortReads.Snapshot read(String bridge) {
    PortReads.Snapshot s = PortReads.ports(link.tables, bridge,
        transact(PortReads.portOps(link.tables, bridge), "reading the ports of bridge " + bridge));
    if (!s.bridgeExists()) {
      throw missingBridge(bridge);
    }
    return s;
  }

  private OvsdbException missingBridge(String bridge) {
    return new OvsdbException("bridge " + bridge + " does not exist on " + describe(), false,
        null);
  }

  @SuppressWarnings("rawtypes")
  private List<OperationResult> transact(List<? extends Operation> ops, String what) {
    if (closed) {
      throw new IllegalStateException("this OVSDB session to " + describe() + " is closed");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    link.touch();
    try {
      return Requests.await(link.client.transact(link.schema, new ArrayList<Operation>(ops)),
          deadline, link::isAlive, link::failure, what + " on " + describe());
    } catch (OvsdbException e) {
      if (e.unreachable()) {
        owner.drop(link);
      }
      throw e;
    } finally {
      link.touch();
    }
  }

  /** Returns the session; the connection stays for the next one. */
  @Override
  public void close() {
    closed = true;
  }
}
