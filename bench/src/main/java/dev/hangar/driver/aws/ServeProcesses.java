package dev.hangar.driver.aws;

import dev.hangar.host.ServeChild;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code hangar serve} processes of one {@link HostKillLoad} run, each on a port of its own
 * that it takes again when it is restarted, and the thread that kills one after another with
 * SIGKILL (no shutdown, no rollback) and restarts it.
 */
final class ServeProcesses {
  private final Path dir;
  private final List<Process> hosts = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private volatile boolean killing;
  private volatile int kills;
  private Thread killer;

  /** {@code dir} takes the hosts' {@code serve.err}. */
  ServeProcesses(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code count} hosts on free ports, waiting until each serves; their addresses. */
  List<String> start(int count) throws Exception {
    kills = 0;
    for (int i = 0; i < count; i++) {
      hosts.add(null);
      ports.add(0);
      startHost(i);
    }
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /** Kills a host every {@code every}, round the hosts, until {@link #stop}; errors to sink. */
  void killEvery(Duration every, Consumer<String> failures) {
    killing = true;
    killer = new Thread(() -> {
      try {
        for (int victim = 0; killing; victim = (victim + 1) % hosts.size()) {
          Thread.sleep(every.toMillis());
          if (!killing) {
            return;
          }
          killAndRestart(victim);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failures.accept("host killer: " + e);
      }
    }, "host-killer");
    killer.setDaemon(true);
    killer.start();
  }

  /** Kills host {@code i} with SIGKILL, then starts it again on its port. */
  void killAndRestart(int i) throws Exception {
    Process p = hosts.get(i);
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IOException("host " + i + " did not die");
    }
    synchronized (this) {
      kills++;
    }
    startHost(i);
  }

  /** Hosts killed since the last {@link #start}. */
  int kills() {
    return kills;
  }

  int count() {
    return hosts.size();
  }

  /** Stops the killer (waiting for a restart under way), then every host. */
  void stop() throws InterruptedException {
    killing = false;
    if (killer != null) {
      killer.interrupt();
      killer.join(60_000);
      killer = null;
    }
    for (Process p : hosts) {
      if (p != null) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    hosts.clear();
    ports.clear();
  }

  /** Starts host {@code i} on its port (any free port the first time), waiting until it serves. */
  private void startHost(int i) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Process p = ServeChild.start(dir, ports.get(i));
      Integer port = ServeChild.servingPort(p, Duration.ofSeconds(90));
      if (port != null) {
        hosts.set(i, p);
        ports.set(i, port);
        return;
      }
      // The port not free again yet (or the start failed): try again shortly.
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      if (System.nanoTime() > deadline) {
        throw new IOException("host " + i + " did not start on port " + ports.get(i)
            + " (see " + dir.resolve("serve.err") + ")");
      }
      Thread.sleep(200);
    }
  }
}
