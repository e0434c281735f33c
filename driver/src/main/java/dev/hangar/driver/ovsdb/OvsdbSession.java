package dev.hangar.driver.ovsdb;

import java.util.Collection;
import java.util.Map;

/**
 * One host's Open vSwitch database as Hangar uses it: the ports of one bridge. Sessions are
 * shared and thread-safe; closing one returns it to its {@link OvsdbConnector}.
 */
public interface OvsdbSession extends AutoCloseable {
  /** Where this session is connected, for messages ({@code tcp:10.0.0.5:6640}). */
  String describe();

  /** True when {@code bridge} exists. */
  boolean bridgeExists(String bridge);

  /**
   * The ports of {@code bridge} by name, read in one request. The bridge's own local port (the
   * one named like the bridge) is not among them, and changes never touch it.
   *
   * @throws OvsdbException when the bridge does not exist, or the server did not answer in time
   */
  Map<String, OvsPort> ports(String bridge);

  /**
   * The ports of {@code bridge} (as {@link #ports(String)}) and the bridge's own
   * {@code external_ids}, read in one request.
   *
   * @throws OvsdbException when the bridge does not exist, or the server did not answer in time
   */
  BridgeState bridge(String bridge);

  /**
   * The ports of {@code bridge} among {@code names}, read in one request whose cost follows the
   * names, not the size of the bridge. Names that are not ports of the bridge are absent.
   *
   * @throws OvsdbException when the bridge does not exist, or the server did not answer in time
   */
  Map<String, OvsPort> ports(String bridge, Collection<String> names);

  /**
   * Applies every change in one OVSDB transaction: all or nothing. Inserting a port that exists
   * with the same name is an error; updating or deleting a port that is gone is not (a delete of
   * a port already gone is success, an update of it reports nothing).
   *
   * @throws OvsdbException when the transaction failed (nothing of it was applied; the message
   *     names the server, the bridge and the failing step), the bridge does not exist, or the
   *     server did not answer in time
   */
  void apply(String bridge, PortChanges changes);

  @Override
  void close();
}
