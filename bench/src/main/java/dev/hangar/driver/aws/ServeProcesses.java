package dev.hangar.driver.aws;

import dev.hangar.host.ServeChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code hangar serve} processes of one {@link HostKillLoad} run, each on a port of its own
 * that it takes again when it is restarted, and the thread that kills one after another with
 * SIGKILL (no shutdown, no rollback) and restarts it.
 */
final class ServeProcesses {
  private static final Pattern SERVING = Pattern.compile("^serving on 127\\.0\\.0\\.1:(\\d+) ");

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
      Integer port = servingOn(p);
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

  /** The port of the "serving on" line, or null when the process ended or said nothing. */
  private static Integer servingOn(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(90, TimeUnit.SECONDS);
    Matcher m = SERVING.matcher(String.valueOf(first));
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }
}
