package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ssh.LoopbackGate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP port that leads to a local unix socket, because the OVSDB library speaks TCP
 * only. Connections pass only when the {@link LoopbackGate} lets them (the socket may be root's
 * alone, the port is open to every local user); each gets its own unix connection and two daemon
 * threads that copy bytes until either side closes, and then close both.
 */
final class UnixRelay implements Transport {
  private static final int BUFFER = 64 << 10;

  private final Path socket;
  private final LoopbackGate gate;
  private final ServerSocket server;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile String failure;

  private UnixRelay(Path socket, LoopbackGate gate, ServerSocket server) {
    this.socket = socket;
    this.gate = gate;
    this.server = server;
  }

  /** Listens on 127.0.0.1 on a free port and relays to {@code socket}. */
  static UnixRelay start(Path socket, LoopbackGate gate) throws IOException {
    ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    UnixRelay relay = new UnixRelay(socket, gate, server);
    daemon(relay::acceptLoop, "hangar-ovsdb-relay-" + server.getLocalPort()).start();
    return relay;
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  @Override
  public void admit(int clientPort) {
    gate.admit(clientPort);
  }

  @Override
  public boolean isOpen() {
    return !server.isClosed();
  }

  @Override
  public String failure() {
    return failure;
  }

  @Override
  public void close() {
    close(server);
    open.forEach(UnixRelay::close);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket tcp;
      try {
        tcp = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!gate.lets(tcp)) {
        close(tcp);
        continue;
      }
      SocketChannel unix;
      try {
        unix = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        failure = "unix:" + socket + ": " + e.getMessage();
        close(tcp);
        continue;
      }
      open.add(tcp);
      open.add(unix);
      if (server.isClosed()) {
        close();
        return;
      }
      String name = "hangar-ovsdb-relay-" + server.getLocalPort();
      daemon(() -> toUnix(tcp, unix), name + "-out").start();
      daemon(() -> toTcp(unix, tcp), name + "-in").start();
    }
  }

  private void toUnix(Socket tcp, SocketChannel unix) {
    byte[] buf = new byte[BUFFER];
    try (InputStream in = tcp.getInputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          unix.write(bb);
        }
      }
    } catch (IOException e) {
      // Either side closed: end both below.
    } finally {
      end(tcp, unix);
    }
  }

  private void toTcp(SocketChannel unix, Socket tcp) {
    ByteBuffer bb = ByteBuffer.allocate(BUFFER);
    try (OutputStream out = tcp.getOutputStream()) {
      while (unix.read(bb) >= 0) {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
      }
      failure = "ovsdb-server closed unix:" + socket;
    } catch (IOException e) {
      // Either side closed: end both below.
    } finally {
      end(tcp, unix);
    }
  }

  private void end(Socket tcp, SocketChannel unix) {
    close(unix);
    close(tcp);
    open.remove(unix);
    open.remove(tcp);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Best effort: the other side may be gone already.
    }
  }
}
