package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ssh.LoopbackGate;
import dev.hangar.driver.ssh.SshException;
import dev.hangar.driver.ssh.SshSessions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.schema.DatabaseSchema;

/**
 * Makes a {@link Link}: the transport for the endpoint, the library's TCP connection through it,
 * and the schema; all within one deadline, and cleaned up when any step fails.
 */
final class Links {
  private Links() {
  }

  static Link connect(LibraryRuntime lib, Executor pool, SshSessions ssh, OvsdbEndpoint endpoint,
      long deadline) {
    String where = endpoint.describe();
    Transport transport = transport(ssh, endpoint, deadline);
    OvsdbClient client = null;
    try {
      client = tcpConnect(lib, pool, transport.address(), deadline, where);
      transport.admit(client.getConnectionInfo().getLocalPort());
      OvsdbClient c = client;
      DatabaseSchema schema = Requests.await(c.getSchema(VswitchTables.DATABASE), deadline,
          () -> c.isActive() && transport.isOpen(), transport::failure,
          "reading the schema of OVSDB at " + where);
      if (schema == null) {
        throw new OvsdbException("OVSDB at " + where + " has no " + VswitchTables.DATABASE
            + " database", false, null);
      }
      try {
        return new Link(endpoint, client, schema, transport);
      } catch (IllegalStateException e) {
        throw new OvsdbException("OVSDB at " + where + " is not an Open vSwitch database: "
            + e.getMessage(), false, e);
      }
    } catch (RuntimeException e) {
      if (client != null) {
        client.disconnect();
      }
      transport.close();
      throw e;
    }
  }

  private static Transport transport(SshSessions ssh, OvsdbEndpoint endpoint, long deadline) {
    String where = endpoint.describe();
    try {
      if (endpoint instanceof OvsdbEndpoint.Tcp tcp) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(tcp.host()),
            tcp.port());
        probe(address, deadline);
        return new Transport.Direct(address);
      }
      if (endpoint instanceof OvsdbEndpoint.LocalUnix unix) {
        Path path = Path.of(unix.path());
        probe(path);
        return UnixRelay.start(path, LoopbackGate.single(remaining(deadline)));
      }
      OvsdbEndpoint.SshUnix viaSsh = (OvsdbEndpoint.SshUnix) endpoint;
      LoopbackGate gate = LoopbackGate.single(remaining(deadline));
      var tunnel = ssh.forwardUnixSocket(viaSsh.ssh(), viaSsh.path(), gate, remaining(deadline));
      return new SshTransport(tunnel, gate);
    } catch (IOException e) {
      throw new OvsdbException("cannot reach OVSDB at " + where + ": " + reason(e), true, e);
    } catch (SshException e) {
      throw new OvsdbException("cannot reach OVSDB at " + where + ": " + e.getMessage(),
          e.unreachable(), e);
    }
  }

  /**
   * A plain connect first: it fails fast and clearly (refused, unreachable, timed out) where the
   * library would block up to 30 s and log a stack trace at ERROR.
   */
  private static void probe(InetSocketAddress address, long deadline) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, (int) Math.max(1, remaining(deadline).toMillis()));
    }
  }

  private static void probe(Path socket) throws IOException {
    // Connected means someone is listening; the relay makes the real connection.
    SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
  }

  private static OvsdbClient tcpConnect(LibraryRuntime lib, Executor pool,
      InetSocketAddress address, long deadline, String where) {
    // The library blocks without a bound of ours: connect on another thread and wait.
    CompletableFuture<OvsdbClient> f = CompletableFuture.supplyAsync(
        () -> lib.connect(address.getAddress(), address.getPort()), pool);
    try {
      return Requests.await(f, deadline, () -> true, () -> null, "connecting to OVSDB at " + where);
    } catch (OvsdbException e) {
      // A connection that completes after we gave up must not linger.
      f.thenAccept(OvsdbClient::disconnect);
      throw new OvsdbException(e.getMessage(), true, e.getCause());
    }
  }

  private static String reason(IOException e) {
    String msg = e.getMessage();
    return msg == null ? e.getClass().getSimpleName() : msg;
  }

  static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }
}
