package dev.hangar.driver.embedded;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes of {@link PrivateOpenStack}: each service in its own session ({@code setsid})
 * with its log in the stack's dir, one-shot commands, waits for a port or an HTTP answer from
 * the service's own process group, and stopping by pid (TERM, then KILL, to the process group
 * and every descendant).
 */
final class StackProcesses {
  /** How long a service may take to listen or answer. */
  static final Duration READY = Duration.ofSeconds(180);

  /** One service process: its command, kept for a restart. */
  static final class Service {
    final String name;
    final List<String> command;
    final Map<String, String> env;
    volatile Process process;

    Service(String name, List<String> command, Map<String, String> env) {
      this.name = name;
      this.command = command;
      this.env = env;
    }
  }

  private final Path dir;
  private final String secret;
  private final Map<String, Service> services = new LinkedHashMap<>();

  /** {@code secret} is never shown in a message about a command line. */
  StackProcesses(Path dir, String secret) {
    this.dir = dir;
    this.secret = secret;
  }

  /** A started service by name. */
  synchronized Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no service " + name + " in the stack");
    }
    return s;
  }

  /** Starts (or starts again) {@code s} in its own session, its output in log/NAME.log. */
  Service launch(Service s) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("setsid"));
    cmd.addAll(s.command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/" + s.name + ".log")
            .toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(s.env);
    s.process = pb.start();
    synchronized (this) {
      services.put(s.name, s);
    }
    return s;
  }

  Process runAsync(String name, List<String> cmd) throws IOException {
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/" + name + ".log")
            .toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
  }

  void run(String name, List<String> cmd, Duration bound)
      throws IOException, InterruptedException {
    awaitExit(runAsync(name, cmd), bound);
  }

  void awaitExit(Process p, Duration bound) throws IOException, InterruptedException {
    String what = String.join(" ", p.info().arguments().map(List::of).orElse(List.of()))
        .replace(secret, "***");
    if (!p.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
      stopProcess(p, Duration.ofSeconds(2));
      throw new IOException("timed out after " + bound.toSeconds() + " s: " + shorten(what));
    }
    if (p.exitValue() != 0) {
      throw new IOException("exit " + p.exitValue() + ": " + shorten(what)
          + " (its log is in " + dir.resolve("log") + ")");
    }
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** Until a process of {@code s}'s group listens on {@code port}: never another's server. */
  void awaitListening(Service s, int port) throws IOException {
    long end = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < end) {
      if (!s.process.isAlive()) {
        throw new IOException(s.name + " exited (" + s.process.exitValue() + ") before it"
            + " listened on port " + port + "; see " + dir.resolve("log/" + s.name + ".log"));
      }
      if (Stream.concat(Stream.of(s.process.toHandle()), s.process.descendants())
          .anyMatch(h -> LocalProcesses.listens(h.pid(), port))) {
        return;
      }
      sleep(250);
    }
    throw new IOException(s.name + " did not listen on port " + port + " within "
        + READY.toSeconds() + " s");
  }

  /** Until {@code url} answers below 500, from {@code s}'s own listening socket. */
  void waitHttp(Service s, String url, int port) throws IOException {
    awaitListening(s, port);
    long end = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < end) {
      try {
        HttpResponse<Void> r = http().send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() < 500) {
          return;
        }
      } catch (IOException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (!s.process.isAlive()) {
        throw new IOException(s.name + " exited; see " + dir.resolve("log/" + s.name + ".log"));
      }
      sleep(250);
    }
    throw new IOException(s.name + " did not answer at " + url);
  }

  /**
   * A fresh client for each request: the wsgiref servers of Keystone and Placement close every
   * connection after one answer, and a pooled connection would be reused after that close.
   */
  static HttpClient http() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** TERM to the process's group and descendants, KILL after {@code grace}. */
  static void stopProcess(Process p, Duration grace) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>();
    all.add(p.toHandle());
    p.descendants().forEach(all::add);
    signalGroup(p.pid(), "TERM");
    all.forEach(ProcessHandle::destroy);
    long end = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < end && all.stream().anyMatch(ProcessHandle::isAlive)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    signalGroup(p.pid(), "KILL");
    all.forEach(ProcessHandle::destroyForcibly);
  }

  private static void signalGroup(long pgid, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // the group is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every service, newest first (the first started, PostgreSQL, gets longer). */
  synchronized void stopAll() {
    List<Service> all = new ArrayList<>(services.values());
    for (int i = all.size() - 1; i >= 0; i--) {
      Process p = all.get(i).process;
      if (p != null && p.isAlive()) {
        stopProcess(p, Duration.ofSeconds(i == 0 ? 10 : 5));
      }
    }
    services.clear();
  }
}
