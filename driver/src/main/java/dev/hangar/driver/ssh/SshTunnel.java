package dev.hangar.driver.ssh;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.util.function.Consumer;

/**
 * A loopback port forwarded over an SSH session to a remote TCP port or unix socket. Connect to
 * {@code 127.0.0.1:}{@link #localPort()}; closing the tunnel closes the connections it carries.
 */
public final class SshTunnel implements AutoCloseable {
  private final Session session;
  private final int localPort;
  private final GatedServerSocket.Factory listener;
  private final String describe;
  private final Consumer<SshTunnel> onClose;

  SshTunnel(Session session, int localPort, GatedServerSocket.Factory listener, String describe,
      Consumer<SshTunnel> onClose) {
    this.session = session;
    this.localPort = localPort;
    this.listener = listener;
    this.describe = describe;
    this.onClose = onClose;
  }

  /** The loopback port to connect to. */
  public int localPort() {
    return localPort;
  }

  /** {@code unix:/run/openvswitch/db.sock on root@hv1}; never a credential. */
  public String describe() {
    return describe;
  }

  /**
   * False once the SSH session ended (a partition noticed by keepalives, the server gone) or the
   * forwarding gave up (jsch ends it when the remote end refuses a connection).
   */
  public boolean isOpen() {
    GatedServerSocket s = listener.made();
    return session.isConnected() && s != null && !s.isClosed();
  }

  @Override
  public void close() {
    try {
      session.delPortForwardingL("127.0.0.1", localPort);
    } catch (JSchException e) {
      // Already gone with its session, or ended by jsch itself.
    }
    LoopbackGate.closeQuietly(listener.made());
    onClose.accept(this);
  }

  @Override
  public String toString() {
    return "SshTunnel[127.0.0.1:" + localPort + " -> " + describe + "]";
  }
}
