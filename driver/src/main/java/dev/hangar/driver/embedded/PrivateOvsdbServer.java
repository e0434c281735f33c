package dev.hangar.driver.embedded;

import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code ovsdb-server} with the Open vSwitch schema in a private directory, listening on a
 * unix socket and a loopback TCP port. It runs as a child process (never daemonized) so that
 * {@link #close()} stops exactly it, by pid, and removes its directory.
 *
 * <p>The TCP port is the one the kernel gave the server's own bind (read from its log), never a
 * port picked beforehand: a port found free and bound later can be taken in between by another
 * process's server, and ovsdb-server, failing to listen, would still start on its unix socket
 * while TCP clients reached the other server's database.
 */
public final class PrivateOvsdbServer implements AutoCloseable {
  private static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private static final Duration START = Duration.ofSeconds(10);

  private final Path dir;
  private volatile int tcpPort;
  private volatile Process process;

  private PrivateOvsdbServer(Path dir) {
    this.dir = dir;
  }

  /** Starts ovsdb-server on {@code port} (0: any the kernel gives). */
  private Process launch(int port) throws IOException {
    List<String> cmd = List.of(find("ovsdb-server"), dir.resolve("conf.db").toString(),
        "--remote=punix:" + dir.resolve("db.sock"), "--remote=ptcp:" + port + ":127.0.0.1",
        "--unixctl=" + dir.resolve("ovsdb-server.ctl"), "--pidfile=" + dir.resolve("pid"),
        "--log-file=" + dir.resolve("ovsdb-server.log"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile());
    env(pb, dir);
    return pb.start();
  }

  /** True when the OVS binaries and schema are installed. */
  public static boolean available() {
    return find("ovsdb-server") != null && find("ovsdb-tool") != null
        && find("ovs-vsctl") != null && Files.exists(SCHEMA);
  }

  /** Starts a fresh database with one bridge, {@code bridge}, and waits until it answers. */
  public static PrivateOvsdbServer start(String bridge) throws IOException {
    if (!available()) {
      throw new IOException("Open vSwitch is not installed (ovsdb-server, ovsdb-tool, ovs-vsctl"
          + " and " + SCHEMA + " are needed); on Debian: apt-get install openvswitch-switch");
    }
    Path dir = Files.createTempDirectory("hangar-ovsdb-");
    PrivateOvsdbServer server = new PrivateOvsdbServer(dir);
    try {
      run(dir, List.of(find("ovsdb-tool"), "create", dir.resolve("conf.db").toString(),
          SCHEMA.toString()));
      server.process = server.launch(0);
      server.awaitSocket(START);
      server.tcpPort = server.awaitPortInLog(START);
      server.vsctl("--may-exist", "add-br", bridge);
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public long pid() {
    return process.pid();
  }

  /** {@code unix:/…/db.sock}. */
  public String unixRemote() {
    return "unix:" + dir.resolve("db.sock");
  }

  /** {@code tcp:127.0.0.1:PORT}. */
  public String tcpRemote() {
    return "tcp:127.0.0.1:" + tcpPort;
  }

  /** The loopback TCP port it listens on. */
  public int tcpPort() {
    return tcpPort;
  }

  /** Its loopback TCP remote as an endpoint of Hangar's OVSDB client. */
  public OvsdbEndpoint.Tcp tcpEndpoint() {
    return new OvsdbEndpoint.Tcp("127.0.0.1", tcpPort);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the server at once (SIGKILL), keeping its database, as a crash would. */
  public void kill() {
    stop(process, true);
  }

  /**
   * Starts the killed server again on the same database, socket and TCP port.
   *
   * @throws IOException when it cannot listen on that port again (another process took it
   *     while it was down): its clients would otherwise reach that process instead
   */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("ovsdb-server pid " + process.pid() + " is still running");
    }
    Files.deleteIfExists(dir.resolve("db.sock"));
    Path log = dir.resolve("ovsdb-server.log");
    long logBefore = Files.exists(log) ? Files.size(log) : 0;
    process = launch(tcpPort);
    awaitSocket(START);
    long deadline = System.nanoTime() + START.toNanos();
    while (!LocalProcesses.listens(process.pid(), tcpPort)) {
      if (!process.isAlive() || System.nanoTime() > deadline
          || logSince(log, logBefore).contains("listen failed")) {
        stop(process, true);
        throw new IOException("ovsdb-server could not listen on 127.0.0.1:" + tcpPort
            + " again (taken by another process while it was down)");
      }
      pause();
    }
  }

  /** Runs {@code ovs-vsctl --no-wait} against this database; returns its stdout. */
  public String vsctl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(find("ovs-vsctl"), "--no-wait",
        "--db=" + unixRemote(), "--timeout=10"));
    cmd.addAll(List.of(args));
    return run(dir, cmd);
  }

  /**
   * The names {@code ovs-vsctl} prints, in its order: {@code list-ports}, or a
   * {@code --bare --columns=name} listing (one name a line, records apart by blank lines).
   */
  public List<String> vsctlNames(String... args) throws IOException {
    return java.util.Arrays.stream(vsctl(args).strip().split("\\s+"))
        .filter(w -> !w.isEmpty()).toList();
  }

  private void awaitSocket(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path sock = dir.resolve("db.sock");
    while (!Files.exists(sock)) {
      if (!process.isAlive()) {
        throw new IOException("ovsdb-server exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("stdout")).strip());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("ovsdb-server did not open " + sock + " within " + timeout);
      }
      pause();
    }
  }

  private static String logSince(Path log, long offset) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    byte[] all = Files.readAllBytes(log);
    return offset >= all.length ? ""
        : new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
  }

  /** The port of its {@code ptcp:0} remote, as ovsdb-server logs it once bound. */
  private int awaitPortInLog(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path log = dir.resolve("ovsdb-server.log");
    while (true) {
      if (Files.exists(log)) {
        Matcher m = LISTENING.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("ovsdb-server did not listen on a loopback TCP port within "
            + timeout + ": " + (Files.exists(log) ? Files.readString(log).strip() : "no log"));
      }
      pause();
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting ovsdb-server", e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      stop(process, false);
    }
    LocalProcesses.deleteTree(dir);
  }

  private static boolean destroyAndWait(Process p) throws InterruptedException {
    p.destroy();
    return p.waitFor(5, TimeUnit.SECONDS);
  }

  private static void stop(Process p, boolean force) {
    try {
      if (force || !destroyAndWait(p)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String run(Path dir, List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    env(pb, dir);
    return LocalProcesses.run(pb);
  }

  private static String find(String binary) {
    return LocalProcesses.find(binary);
  }

  private static void env(ProcessBuilder pb, Path dir) {
    Map<String, String> env = pb.environment();
    env.put("OVS_RUNDIR", dir.toString());
    env.put("OVS_LOGDIR", dir.toString());
    env.put("OVS_DBDIR", dir.toString());
  }
}
