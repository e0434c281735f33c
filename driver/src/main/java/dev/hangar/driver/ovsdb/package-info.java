/**
 * A narrow client for Open vSwitch databases: the ports of one bridge, read and changed in one
 * transaction. {@link dev.hangar.driver.ovsdb.OvsdbConnectors#standard()} makes the
 * {@link dev.hangar.driver.ovsdb.OvsdbConnector} to start from; the OpenDaylight OVSDB library
 * does the wire protocol behind it, over TCP, a local relay to a unix socket, or an SSH tunnel.
 */
package dev.hangar.driver.ovsdb;
