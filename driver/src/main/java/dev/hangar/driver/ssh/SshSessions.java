package dev.hangar.driver.ssh;

import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.hangar.driver.ovsdb.SshTarget;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SSH logins to hosts, one live session per {@link SshTarget}, shared by every tunnel and command
 * to that target and made again when it died. Thread-safe. {@link #close()} ends every session and
 * tunnel; jsch's threads are daemons, so nothing here keeps a JVM alive.
 *
 * <p>Host keys are not checked (the platform gives no known_hosts). Keepalives every
 * {@code aliveInterval}, {@code aliveCountMax} times unanswered, end a session whose host went
 * silent, and with it its tunnels.
 */
public final class SshSessions implements AutoCloseable {
  public static final Duration DEFAULT_ALIVE_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_ALIVE_COUNT_MAX = 3;

  private final Duration aliveInterval;
  private final int aliveCountMax;
  private final Map<SshTarget, Slot> slots = new ConcurrentHashMap<>();
  private final Set<SshTunnel> tunnels = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** One target's session; the lock makes concurrent callers share one login. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    volatile Session session;
  }

  public SshSessions() {
    this(DEFAULT_ALIVE_INTERVAL, DEFAULT_ALIVE_COUNT_MAX);
  }

  public SshSessions(Duration aliveInterval, int aliveCountMax) {
    this.aliveInterval = aliveInterval;
    this.aliveCountMax = aliveCountMax;
  }

  /**
   * Forwards a loopback port to the unix socket {@code remotePath} on the target host, after
   * checking that the SSH server can open it.
   *
   * @param gate which local clients may use the port ({@link LoopbackGate#open()} for all)
   * @param timeout bound on logging in and on opening the socket
   */
  public SshTunnel forwardUnixSocket(SshTarget target, String remotePath, LoopbackGate gate,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String what = "unix:" + remotePath + " on " + target.describe();
    Session session = session(target, deadline);
    probeUnixSocket(session, remotePath, what, deadline);
    GatedServerSocket.Factory listener = new GatedServerSocket.Factory(gate);
    try {
      int port = session.setSocketForwardingL("127.0.0.1", 0, remotePath, listener,
          Logins.millis(remaining(deadline)));
      return register(new SshTunnel(session, port, listener, what, tunnels::remove));
    } catch (JSchException e) {
      throw Logins.failure("cannot forward a local port to " + what, e);
    }
  }

  /** Forwards a loopback port to {@code remoteHost:remotePort} as seen from the target host. */
  public SshTunnel forwardTcp(SshTarget target, String remoteHost, int remotePort,
      LoopbackGate gate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String what = "tcp:" + remoteHost + ":" + remotePort + " on " + target.describe();
    Session session = session(target, deadline);
    GatedServerSocket.Factory listener = new GatedServerSocket.Factory(gate);
    try {
      int port = session.setPortForwardingL("127.0.0.1", 0, remoteHost, remotePort, listener,
          Logins.millis(remaining(deadline)));
      return register(new SshTunnel(session, port, listener, what, tunnels::remove));
    } catch (JSchException e) {
      throw Logins.failure("cannot forward a local port to " + what, e);
    }
  }

  /**
   * Runs {@code command} on the target host (through the login's shell) and waits for it.
   *
   * @throws SshException when the host cannot be reached or the command outlives the timeout
   *     (the channel is closed then; the remote process may go on)
   */
  public SshExecResult exec(SshTarget target, String command, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return RemoteCommand.run(session(target, deadline), target, command, deadline);
  }

  /** Ends every tunnel and session. Later calls fail. */
  @Override
  public void close() {
    closed = true;
    for (SshTunnel t : List.copyOf(tunnels)) {
      t.close();
    }
    for (Slot slot : slots.values()) {
      Session s = slot.session;
      if (s != null) {
        s.disconnect();
      }
    }
    slots.clear();
  }

  private SshTunnel register(SshTunnel tunnel) {
    tunnels.add(tunnel);
    if (closed) {
      tunnel.close();
      throw new IllegalStateException("SSH sessions are closed");
    }
    return tunnel;
  }

  /** The live session to {@code target}, logging in when there is none. */
  Session session(SshTarget target, long deadline) {
    if (closed) {
      throw new IllegalStateException("SSH sessions are closed");
    }
    Slot slot = slots.computeIfAbsent(target, t -> new Slot());
    try {
      if (!slot.lock.tryLock(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SshException("SSH login to " + target.describe() + " is still in progress"
            + " (another caller is logging in)", true, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SshException("interrupted while logging in to " + target.describe(), true, e);
    }
    try {
      Session s = slot.session;
      if (s != null && s.isConnected()) {
        return s;
      }
      if (s != null) {
        s.disconnect();
      }
      s = Logins.connect(target, remaining(deadline), aliveInterval, aliveCountMax);
      slot.session = s;
      if (closed) {
        s.disconnect();
        throw new IllegalStateException("SSH sessions are closed");
      }
      return s;
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Opens and closes one channel to the socket: jsch's forwarding would otherwise only fail
   * later, silently, on the first connection through the tunnel.
   */
  private static void probeUnixSocket(Session session, String path, String what, long deadline) {
    ChannelDirectStreamLocal ch = null;
    try {
      ch = (ChannelDirectStreamLocal) session.openChannel("direct-streamlocal@openssh.com");
      ch.setSocketPath(path);
      // No input stream: jsch then opens the channel synchronously and reports a refusal here
      // (with one, it opens it on a thread of its own and fails silently).
      ch.setOutputStream(OutputStream.nullOutputStream());
      ch.connect(Logins.millis(remaining(deadline)));
    } catch (JSchException e) {
      throw new SshException("the SSH server cannot open " + what + " (is anything listening"
          + " there, and may this login use it?): " + e.getMessage(), true, e);
    } finally {
      if (ch != null) {
        ch.disconnect();
      }
    }
  }

  static Duration remaining(long deadline) {
    long left = deadline - System.nanoTime();
    return Duration.ofNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(1)));
  }
}
