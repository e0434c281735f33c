package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ssh.LoopbackGate;
import dev.hangar.driver.ssh.SshTunnel;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** An SSH tunnel to a unix socket on the host, owned by one connection. */
record SshTransport(SshTunnel tunnel, LoopbackGate gate) implements Transport {
  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), tunnel.localPort());
  }

  @Override
  public void admit(int clientPort) {
    gate.admit(clientPort);
  }

  @Override
  public boolean isOpen() {
    return tunnel.isOpen();
  }

  @Override
  public String failure() {
    return tunnel.isOpen() ? null : "the SSH tunnel to " + tunnel.describe() + " closed";
  }

  @Override
  public void close() {
    tunnel.close();
  }
}
