package dev.hangar.driver.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hangar.driver.embedded.LocalProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * moto, the EC2 emulator, in server mode on a loopback port: the independent EC2 peer of the AWS
 * tests. One server serves the whole test run ({@link #shared()}); each test starts from an
 * empty EC2 with {@link #reset()}. It runs in a private directory with AMI and instance-type
 * validation on, on the port its own bind got (read from its log, never picked beforehand), and
 * is stopped by its pid when the JVM ends; it also exits by itself when the JVM dies, as its
 * stdin (a pipe from the JVM) closes.
 *
 * <p>Its request recorder is the peer's request log ({@link #recorded()}): what EC2 received,
 * counted by action, for the call budget.
 *
 * <p>moto is found in a Python that can import it: {@code HANGAR_MOTO_PYTHON}, {@code python3}
 * on the PATH, pyenv's Pythons, or the venv {@code bin/deps} makes from a wheel on disk. Where
 * none has it, the tests are skipped with that reason, except on CI ({@code CI=true}), where they
 * fail.
 */
final class MotoServer implements AutoCloseable {
  private static final Pattern RUNNING =
      Pattern.compile("Running on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START = Duration.ofSeconds(30);
  /** Runs moto's server and exits when stdin closes (the JVM that started it is gone). */
  private static final String LAUNCHER = "import os, sys, threading\n"
      + "def watch():\n"
      + "    sys.stdin.read()\n"
      + "    os._exit(0)\n"
      + "threading.Thread(target=watch, daemon=True).start()\n"
      + "from moto.server import main\n"
      + "main(sys.argv[1:])\n";
  private static MotoServer shared;
  private static String unavailable;

  private final Path dir;
  private final Process process;
  private final String endpoint;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private MotoServer(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.endpoint = "http://127.0.0.1:" + port;
  }

  /**
   * The run's moto server, started on first use, reset to an empty EC2. Skips the test (fails it
   * on CI) when moto cannot be found or started.
   */
  static synchronized MotoServer shared() {
    if (shared == null && unavailable == null) {
      try {
        shared = start();
        MotoServer s = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "moto-stop"));
      } catch (IOException e) {
        unavailable = e.getMessage();
      }
    }
    if (shared == null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("moto is needed by the AWS tests on CI: " + unavailable);
      }
      assumeTrue(false, unavailable);
    }
    shared.reset();
    return shared;
  }

  /** The Python that has moto, or null. */
  static String python() {
    List<String> candidates = new ArrayList<>();
    String forced = System.getenv("HANGAR_MOTO_PYTHON");
    if (forced != null && !forced.isBlank()) {
      candidates.add(forced);
    }
    candidates.add("python3");
    String home = System.getProperty("user.home");
    candidates.add(home + "/.pyenv/shims/python3");
    try (var versions = Files.list(Path.of(home, ".pyenv", "versions"))) {
      versions.sorted().forEach(v -> candidates.add(v.resolve("bin/python3").toString()));
    } catch (IOException e) {
      // no pyenv
    }
    candidates.add(home + "/.cache/hangar/moto-venv/bin/python3");
    for (String p : new LinkedHashSet<>(candidates)) {
      try {
        Process check = new ProcessBuilder(p, "-c", "import moto.server")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0) {
          return p;
        }
        check.destroyForcibly();
      } catch (IOException e) {
        // not there
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private static MotoServer start() throws IOException {
    String python = python();
    if (python == null) {
      throw new IOException("no Python here can import moto (tried HANGAR_MOTO_PYTHON, python3,"
          + " pyenv's Pythons, ~/.cache/hangar/moto-venv); run bin/deps");
    }
    Path dir = Files.createTempDirectory("hangar-moto-");
    ProcessBuilder pb = new ProcessBuilder(python, "-c", LAUNCHER, "-H", "127.0.0.1", "-p", "0")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("moto.log").toFile());
    pb.environment().put("MOTO_ENABLE_AMI_VALIDATION", "true");
    pb.environment().put("MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION", "true");
    pb.environment().put("MOTO_RECORDER_FILEPATH", dir.resolve("requests.jsonl").toString());
    Process p = pb.start();
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      String log = Files.readString(dir.resolve("moto.log"), StandardCharsets.UTF_8);
      Matcher m = RUNNING.matcher(log);
      if (m.find()) {
        MotoServer s = new MotoServer(dir, p, Integer.parseInt(m.group(1)));
        s.reset();
        return s;
      }
      if (!p.isAlive()) {
        LocalProcesses.deleteTree(dir);
        throw new IOException("moto (" + python + ") exited at start: " + tail(log));
      }
      sleep(50);
    }
    p.destroyForcibly();
    LocalProcesses.deleteTree(dir);
    throw new IOException("moto did not listen within " + START.toSeconds() + " s");
  }

  String endpoint() {
    return endpoint;
  }

  long pid() {
    return process.pid();
  }

  /** Empties moto (every backend) and starts a fresh request log. */
  void reset() {
    post("/moto-api/reset");
    post("/moto-api/recorder/reset-recording");
    post("/moto-api/recorder/start-recording");
  }

  /**
   * The EC2 actions received since the last reset, in order, from moto's request recorder (the
   * peer's own log; neither the moto-api calls nor {@link MotoState}'s reads are in it).
   */
  List<QueryForm> recorded() {
    Path log = dir.resolve("requests.jsonl");
    List<QueryForm> actions = new ArrayList<>();
    if (!Files.exists(log)) {
      return actions;
    }
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        var node = AwsTestbed.json(line);
        if (node.at("/headers/Authorization").asText().contains(
            "Credential=" + MotoState.READER_KEY + "/")) {
          continue;
        }
        String body = node.path("body").asText();
        if (node.path("body_encoded").asBoolean()) {
          body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        QueryForm q = QueryForm.parse(body);
        if (q.action() != null) {
          actions.add(q);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return actions;
  }

  /** The recorded requests of one action, in order. */
  List<QueryForm> requests(String action) {
    return recorded().stream().filter(q -> action.equals(q.action())).toList();
  }

  private void post(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + path))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("moto " + path + ": HTTP " + r.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("moto " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String tail(String log) {
    return log.length() > 600 ? log.substring(log.length() - 600) : log;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops moto by its pid and removes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LocalProcesses.deleteTree(dir);
  }
}
