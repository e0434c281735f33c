package dev.hangar.driver.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback listener that passes only the connections its {@link LoopbackGate} lets through, and
 * closes every connection it handed out when it is closed itself.
 *
 * <p>The second part matters for jsch: when opening the SSH channel for an accepted connection
 * fails (the remote socket is gone), jsch's port watcher gives up and closes its listener but
 * leaves the accepted socket open, so the local client would wait for an answer that never comes
 * instead of seeing the connection drop at once.
 */
final class GatedServerSocket extends ServerSocket {
  private final LoopbackGate gate;
  private final Set<Socket> handedOut = ConcurrentHashMap.newKeySet();

  GatedServerSocket(LoopbackGate gate, int port, int backlog) throws IOException {
    super(port, backlog, InetAddress.getLoopbackAddress());
    this.gate = gate;
  }

  @Override
  public Socket accept() throws IOException {
    while (true) {
      Socket s = super.accept();
      if (gate.lets(s)) {
        handedOut.removeIf(Socket::isClosed);
        handedOut.add(s);
        if (isClosed()) {
          LoopbackGate.closeQuietly(s);
        }
        return s;
      }
      LoopbackGate.closeQuietly(s);
    }
  }

  @Override
  public void close() throws IOException {
    super.close();
    handedOut.forEach(LoopbackGate::closeQuietly);
    handedOut.clear();
  }

  /**
   * A factory for one jsch port forwarding: every socket it makes listens on loopback only, and
   * it remembers the last one so the tunnel can tell whether its listener is still there.
   */
  static final class Factory implements com.jcraft.jsch.ServerSocketFactory {
    private final LoopbackGate gate;
    private volatile GatedServerSocket made;

    Factory(LoopbackGate gate) {
      this.gate = gate;
    }

    GatedServerSocket made() {
      return made;
    }

    /** jsch asks for its bind address; the socket listens on loopback whatever it asks. */
    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ignored)
        throws IOException {
      GatedServerSocket s = new GatedServerSocket(gate, port, backlog);
      made = s;
      return s;
    }
  }
}
