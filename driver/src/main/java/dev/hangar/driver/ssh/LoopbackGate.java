package dev.hangar.driver.ssh;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides which local clients may use a loopback listener (a forwarded port, a relay).
 *
 * <p>A listener on 127.0.0.1 is open to every user of the machine. When it leads to a socket only
 * root may use (a host's OVSDB, which controls its switch), only the connection its owner made
 * may pass: {@link #single(Duration)} holds each accepted connection until the owner names, with
 * {@link #admit(int)}, the source port of its own client, lets that one through once and closes
 * the others. {@link #open()} lets everything through.
 */
public final class LoopbackGate {
  private final Duration wait;
  private final CompletableFuture<Integer> admitted = new CompletableFuture<>();
  private final AtomicBoolean used = new AtomicBoolean();

  private LoopbackGate(Duration wait) {
    this.wait = wait;
  }

  /** A gate that lets every local client through. */
  public static LoopbackGate open() {
    LoopbackGate gate = new LoopbackGate(Duration.ZERO);
    gate.admitted.complete(-1);
    return gate;
  }

  /**
   * A gate for one client, named later with {@link #admit(int)}; an accepted connection waits up
   * to {@code wait} for that name and is closed if it is not the one.
   */
  public static LoopbackGate single(Duration wait) {
    return new LoopbackGate(wait);
  }

  /** Names the local source port of the one client to let through. */
  public void admit(int clientPort) {
    admitted.complete(clientPort);
  }

  /**
   * Whether {@code socket}, just accepted, may pass: blocks until the owner admitted a client (at
   * most the gate's wait). Lets the admitted client through once.
   */
  public boolean lets(Socket socket) {
    if (!socket.getInetAddress().isLoopbackAddress()) {
      return false;
    }
    int port;
    try {
      port = admitted.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
    if (port == -1) {
      return true;
    }
    return socket.getPort() == port && used.compareAndSet(false, true);
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // Closing is best effort: the peer may be gone already.
    }
  }
}
