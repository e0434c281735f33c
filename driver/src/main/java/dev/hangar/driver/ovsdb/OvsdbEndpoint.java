package dev.hangar.driver.ovsdb;

/**
 * Where a host's OVSDB listens, as the provider's {@code OVSDB Remote} attribute names it:
 * {@code tcp:HOST:PORT}, or {@code unix:/path/db.sock} on the hypervisor itself (reached directly
 * when the hypervisor is this machine, through an SSH tunnel otherwise).
 */
public sealed interface OvsdbEndpoint {
  /** For messages; never carries a credential. */
  String describe();

  /** {@code tcp:HOST:PORT}: the server's own TCP listener (ptcp), reached directly. */
  record Tcp(String host, int port) implements OvsdbEndpoint {
    @Override
    public String describe() {
      return "tcp:" + host + ":" + port;
    }
  }

  /**
   * {@code unix:/path/db.sock} on this machine. The library speaks TCP only, so the connector
   * relays a loopback port of its own to the socket.
   */
  record LocalUnix(String path) implements OvsdbEndpoint {
    @Override
    public String describe() {
      return "unix:" + path;
    }
  }

  /** A unix socket on {@code ssh}'s host, reached through a local port forwarded over SSH. */
  record SshUnix(SshTarget ssh, String path) implements OvsdbEndpoint {
    @Override
    public String describe() {
      return "unix:" + path + " on " + ssh.describe();
    }
  }
}
