/**
 * The OVSDB connector on the OpenDaylight library: connections shared per endpoint
 * ({@link dev.hangar.driver.ovsdb.internal.StandardConnector}), the transports that let a TCP-only
 * library reach unix sockets (a local relay, an SSH tunnel), bounded waits for its replies, and the
 * select/transact operations for a bridge's ports. Not an API: use
 * {@link dev.hangar.driver.ovsdb.OvsdbConnectors}.
 */
package dev.hangar.driver.ovsdb.internal;
