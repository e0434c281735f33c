package dev.hangar.driver.ovsdb.internal;

import java.net.InetSocketAddress;

/**
 * What the library connects to for one endpoint: the server itself over TCP, or a loopback port
 * that leads to it (a relay to a local unix socket, an SSH tunnel). Owned by one connection.
 */
interface Transport extends AutoCloseable {
  /** The TCP address the library connects to. */
  InetSocketAddress address();

  /** Names the library client's local port, the only one a loopback port lets through. */
  void admit(int clientPort);

  /** False once the relay or tunnel ended; the connection through it is dead then. */
  boolean isOpen();

  /** Why the last connection through this transport ended, when it knows; else null. */
  String failure();

  @Override
  void close();

  /** A server reached directly over TCP: nothing in between. */
  record Direct(InetSocketAddress address) implements Transport {
    @Override
    public void admit(int clientPort) {
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public String failure() {
      return null;
    }

    @Override
    public void close() {
    }
  }
}
