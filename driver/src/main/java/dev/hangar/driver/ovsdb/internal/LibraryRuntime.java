package dev.hangar.driver.ovsdb.internal;

import java.net.InetAddress;
import java.time.Duration;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.impl.NettyBootstrapFactory;
import org.opendaylight.ovsdb.lib.impl.OvsdbConnectionService;
import org.opendaylight.ovsdb.lib.jsonrpc.JsonRpcEndpoint;

/**
 * One connector's instance of the OpenDaylight library: its Netty event loops and connection
 * service. Knows the library's traps so that the rest of the package does not have to.
 *
 * <ul>
 *   <li>The event loop threads are not daemons: {@link #close()} shuts them down (Netty's
 *       graceful shutdown lets them end about two seconds later).</li>
 *   <li>Each client has its own non-daemon executor that lives a minute after its last use
 *       unless the client is disconnected: every connection must end with
 *       {@code OvsdbClient.disconnect()}, never {@code OvsdbConnectionService.disconnect}, which
 *       leaves that executor running.</li>
 *   <li>Every request is cancelled by a process-wide "reaper" after a fixed interval, one second
 *       by default, whatever its caller waits for; {@link #allowRequestsOf(Duration)} raises it.</li>
 *   <li>{@code OvsdbConnectionService.close()} shuts that reaper down for the whole process, for
 *       good: it is never called.</li>
 * </ul>
 */
final class LibraryRuntime implements AutoCloseable {
  /** A port read of a large host is one JSON reply of several MB; the default is 100 kB. */
  private static final int MAX_FRAME = 64 << 20;
  /** Reaper interval beyond the longest request timeout, so our own timeout reports first. */
  private static final long REAPER_MARGIN_MS = 5_000;

  private static final Object REAPER_LOCK = new Object();
  private static long reaperMillis = 1_000;

  private final NettyBootstrapFactory netty;
  private final OvsdbConnectionService service;

  LibraryRuntime() {
    netty = new NettyBootstrapFactory();
    // No certificate manager: Hangar never uses the library's TLS paths.
    service = new OvsdbConnectionService(netty, null);
    service.setJsonRpcDecoderMaxFrameLength(MAX_FRAME);
  }

  /** Connects over plain TCP; blocks until connected or Netty gives up (30 s by default). */
  OvsdbClient connect(InetAddress address, int port) {
    OvsdbClient client = service.connect(address, port);
    if (client == null) {
      throw new IllegalStateException("interrupted while connecting");
    }
    return client;
  }

  /**
   * Makes sure the library's reaper does not cancel requests that are still within
   * {@code timeout}. The reaper is static, so the interval only ever grows.
   */
  static void allowRequestsOf(Duration timeout) {
    long wanted = Math.min(Integer.MAX_VALUE, timeout.toMillis() + REAPER_MARGIN_MS);
    synchronized (REAPER_LOCK) {
      if (wanted > reaperMillis) {
        JsonRpcEndpoint.setReaperInterval((int) wanted);
        reaperMillis = wanted;
      }
    }
  }

  @Override
  public void close() {
    netty.close();
  }
}
