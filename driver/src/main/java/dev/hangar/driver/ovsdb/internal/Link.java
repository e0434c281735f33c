package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.schema.DatabaseSchema;

/**
 * One live library connection to an endpoint, with what it needs: the server's schema, the
 * tables Hangar uses, and the relay or tunnel it runs through. Shared by every session of the
 * endpoint; closed when it died or its connector closes.
 */
final class Link {
  final OvsdbEndpoint endpoint;
  final OvsdbClient client;
  final DatabaseSchema schema;
  final VswitchTables tables;
  private final Transport transport;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long lastUsed = System.nanoTime();

  Link(OvsdbEndpoint endpoint, OvsdbClient client, DatabaseSchema schema, Transport transport) {
    this.endpoint = endpoint;
    this.client = client;
    this.schema = schema;
    this.tables = new VswitchTables(schema);
    this.transport = transport;
  }

  boolean isAlive() {
    return !closed.get() && client.isActive() && transport.isOpen();
  }

  /** Why the connection ended, when the relay or tunnel knows. */
  String failure() {
    return transport.failure();
  }

  void touch() {
    lastUsed = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - lastUsed;
  }

  /** Idempotent. Disconnecting the client also stops its executor thread (see LibraryRuntime). */
  void close() {
    if (closed.compareAndSet(false, true)) {
      client.disconnect();
      transport.close();
    }
  }
}
