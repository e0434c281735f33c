package dev.hangar.driver.ovsdb.internal;

import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ssh.SshSessions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The OVSDB connector on the OpenDaylight library: one live connection per endpoint, shared by
 * every session to it, made on the first {@link #open} and again after it died.
 *
 * <p>A connection unused for {@link #ECHO_AFTER} (30 s) is probed with an echo before it is handed out
 * again, so that one which died silently (a half-open TCP connection after a partition) is
 * replaced instead of failing the caller's first request. Besides, the library itself echoes after
 * 30 s of silence and closes a connection that stayed silent for 180 s.
 */
public final class StandardConnector implements OvsdbConnector {
  static final Duration ECHO_AFTER = Duration.ofSeconds(30);

  private final LibraryRuntime lib = new LibraryRuntime();
  private final ExecutorService pool;
  private final SshSessions ssh;
  private final boolean ownsSsh;
  private final Duration echoAfter;
  private final Map<OvsdbEndpoint, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** One endpoint's connection; the lock makes concurrent callers share one connect. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    final AtomicReference<Link> link = new AtomicReference<>();
  }

  /**
   * @param ssh the SSH sessions to tunnel through
   * @param ownsSsh whether {@link #close()} closes {@code ssh} too
   */
  public StandardConnector(SshSessions ssh, boolean ownsSsh) {
    this(ssh, ownsSsh, ECHO_AFTER);
  }

  StandardConnector(SshSessions ssh, boolean ownsSsh, Duration echoAfter) {
    this.ssh = ssh;
    this.ownsSsh = ownsSsh;
    this.echoAfter = echoAfter;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hangar-ovsdb-connect-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public OvsdbSession open(OvsdbEndpoint endpoint, Duration timeout) {
    ensureOpen();
    LibraryRuntime.allowRequestsOf(timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    Slot slot = slots.computeIfAbsent(endpoint, e -> new Slot());
    lock(slot, endpoint, deadline);
    try {
      Link link = slot.link.get();
      if (link != null && (!link.isAlive() || (link.idleNanos() >= echoAfter.toNanos()
          && !answersEcho(link, deadline)))) {
        drop(link);
        link = null;
      }
      if (link == null) {
        link = Links.connect(lib, pool, ssh, endpoint, deadline);
        slot.link.set(link);
        if (closed) {
          link.close();
          ensureOpen();
        }
      }
      link.touch();
      return new StandardSession(this, link, timeout);
    } finally {
      slot.lock.unlock();
    }
  }

  /** Forgets {@code link} if it is still its endpoint's connection, and closes it. */
  void drop(Link link) {
    Slot slot = slots.get(link.endpoint);
    if (slot != null) {
      slot.link.compareAndSet(link, null);
    }
    link.close();
  }

  /** Ends every connection, relay and tunnel, and the library's threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Slot slot : slots.values()) {
      Link link = slot.link.getAndSet(null);
      if (link != null) {
        link.close();
      }
    }
    slots.clear();
    pool.shutdownNow();
    lib.close();
    if (ownsSsh) {
      ssh.close();
    }
  }

  /** At most half the time left goes to the echo: the rest may be needed to connect again. */
  private boolean answersEcho(Link link, long deadline) {
    long half = (deadline - System.nanoTime()) / 2;
    try {
      Requests.await(link.client.echo(), System.nanoTime() + half, link::isAlive, link::failure,
          "echo");
      return true;
    } catch (OvsdbException e) {
      return false;
    }
  }

  private void lock(Slot slot, OvsdbEndpoint endpoint, long deadline) {
    try {
      if (!slot.lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new OvsdbException("cannot reach OVSDB at " + endpoint.describe()
            + ": another caller's connection attempt did not finish in time", true, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OvsdbException("interrupted while connecting to " + endpoint.describe(), false,
          e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the OVSDB connector is closed");
    }
  }
}
