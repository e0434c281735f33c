package dev.hangar.driver.testing;

import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import dev.hangar.driver.embedded.LocalProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open vSwitch that forwards, next to a {@link RealLibvirtd}: an {@code ovsdb-server} with a
 * fresh vswitch database and an {@code ovs-vswitchd}, both started inside the daemon's network
 * (and mount) namespace, so vswitchd sees the taps qemu opens there. The bridge is made with
 * {@code datapath_type=netdev} (the userspace datapath; there is no kernel datapath here).
 *
 * <p>The database listens on a unix socket in a temp dir of the host's file system
 * ({@link #unixRemote()}): unlike a TCP port inside the namespace, it is reachable from the test
 * JVM, which is what the driver gets as {@code OVSDB Remote} with a local hypervisor URI.
 *
 * <p>Both daemons run in the foreground as children of the test JVM ({@code nsenter} execs them,
 * so the child's pid is the daemon's); {@link #close()} stops exactly them, by pid, and removes
 * the temp dir. Close it before the {@link RealLibvirtd} (whose close would kill them anyway, as
 * it kills everything in its namespace).
 */
public final class NamespacedOvs implements AutoCloseable {
  private static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration VSCTL = Duration.ofSeconds(60);
  /** {@code options} as ovs-vsctl prints it bare: {@code key=5001 local_ip=… remote_ip=…}. */
  private static final Pattern TUNNEL_OPTIONS = Pattern.compile(
      "key=(\\d+).*remote_ip=([0-9a-fA-F.:]+)");

  private final Path dir;
  private final String bridge;
  private final Process ovsdb;
  private Process vswitchd;
  private final AtomicInteger syncs = new AtomicInteger();

  private NamespacedOvs(Path dir, String bridge, Process ovsdb) {
    this.dir = dir;
    this.bridge = bridge;
    this.ovsdb = ovsdb;
  }

  /** Why this cannot run here (for skip messages), or null when it can. */
  public static String unavailableReason() {
    List<String> missing = new ArrayList<>();
    for (String b : List.of("ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-vswitchd",
        "ovs-appctl")) {
      if (LocalProcesses.find(b) == null) {
        missing.add(b);
      }
    }
    if (!Files.exists(SCHEMA)) {
      missing.add(SCHEMA.toString());
    }
    return missing.isEmpty() ? null : "missing " + String.join(", ", missing)
        + "; on Debian run bin/deps runtime (openvswitch-switch)";
  }

  /**
   * Starts ovsdb-server and ovs-vswitchd in {@code libvirtd}'s namespaces and creates
   * {@code bridge} (netdev datapath), waiting until vswitchd has applied it.
   */
  public static NamespacedOvs start(RealLibvirtd libvirtd, String bridge) throws IOException {
    String why = unavailableReason();
    if (why != null) {
      throw new IOException("cannot start Open vSwitch: " + why);
    }
    Path dir = Files.createTempDirectory("hangar-nsovs-");
    NamespacedOvs ovs = null;
    try {
      Path db = dir.resolve("conf.db");
      run(dir, Duration.ofSeconds(30), LocalProcesses.find("ovsdb-tool"), "create", db.toString(),
          SCHEMA.toString());
      Process server = launch(libvirtd, dir, "ovsdb-server", LocalProcesses.find("ovsdb-server"),
          db.toString(), "--remote=punix:" + dir.resolve("db.sock"),
          "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
          "--log-file=" + dir.resolve("ovsdb-server.log"));
      ovs = new NamespacedOvs(dir, bridge, server);
      awaitFile(server, dir.resolve("db.sock"), "ovsdb-server", dir);
      ovs.vsctl("--no-wait", "init");
      ovs.vswitchd = launch(libvirtd, dir, "ovs-vswitchd", LocalProcesses.find("ovs-vswitchd"),
          "unix:" + dir.resolve("db.sock"), "--unixctl=" + dir.resolve("ovs-vswitchd.ctl"),
          "--log-file=" + dir.resolve("ovs-vswitchd.log"));
      awaitFile(ovs.vswitchd, dir.resolve("ovs-vswitchd.ctl"), "ovs-vswitchd", dir);
      // Waits (without --no-wait) until vswitchd has made the bridge.
      ovs.vsctl("add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev");
      ExecResult link = libvirtd.exec("ip", "-o", "link", "show", "dev", bridge);
      if (!link.ok()) {
        throw new IOException("ovs-vswitchd made no device " + bridge + " in netns "
            + libvirtd.netns() + ": " + link + "\n" + ovs.vswitchdLog(20));
      }
      return ovs;
    } catch (IOException | RuntimeException e) {
      if (ovs != null) {
        ovs.close();
      } else {
        LocalProcesses.deleteTree(dir);
      }
      throw e;
    }
  }

  /** {@code unix:/tmp/…/db.sock}: the database, reachable from the host and the namespace. */
  public String unixRemote() {
    return "unix:" + dir.resolve("db.sock");
  }

  /**
   * Makes the database listen on TCP at {@code address:port} too, inside the daemon's namespace
   * (for a driver that reaches this host remotely, e.g. across a {@link LibvirtdTcpLink}).
   * Returns the OVSDB remote, {@code tcp:ADDRESS:PORT}.
   */
  public String listenTcp(String address, int port) throws IOException {
    run(dir, Duration.ofSeconds(40), LocalProcesses.find("ovs-appctl"), "-t",
        dir.resolve("ovsdb-server.ctl").toString(), "--timeout=30", "ovsdb-server/add-remote",
        "ptcp:" + port + ":" + address);
    return "tcp:" + address + ":" + port;
  }

  public String bridge() {
    return bridge;
  }

  public Path dir() {
    return dir;
  }

  public long ovsdbPid() {
    return ovsdb.pid();
  }

  public long vswitchdPid() {
    return vswitchd == null ? -1 : vswitchd.pid();
  }

  public boolean isAlive() {
    return ovsdb.isAlive() && vswitchd != null && vswitchd.isAlive();
  }

  /**
   * Runs {@code ovs-vsctl} against this database and returns its stdout. Without
   * {@code --no-wait} among the arguments it waits for vswitchd to apply the change.
   */
  public String vsctl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(LocalProcesses.find("ovs-vsctl"), "--db=" + unixRemote(),
        "--timeout=" + VSCTL.toSeconds()));
    cmd.addAll(List.of(args));
    return run(dir, VSCTL.plusSeconds(10), cmd.toArray(String[]::new));
  }

  /**
   * Waits until ovs-vswitchd has applied every change made to the database so far (a change
   * whose {@code ovs-vsctl} waits for vswitchd's reconfiguration) and its revalidators have
   * brought the datapath's cached flows in line with it ({@code revalidator/wait}). The driver
   * writes the database only; a test that checks that traffic <em>stops</em> calls this first.
   */
  public void awaitApplied() throws IOException {
    vsctl("set", "Open_vSwitch", ".", "external_ids:hangar-sync=" + syncs.incrementAndGet());
    appctl("revalidator/wait");
  }

  /** Runs {@code ovs-appctl -t ovs-vswitchd …} (e.g. {@code fdb/show br-int}). */
  public String appctl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(LocalProcesses.find("ovs-appctl"), "-t",
        dir.resolve("ovs-vswitchd.ctl").toString(), "--timeout=30"));
    cmd.addAll(List.of(args));
    return run(dir, Duration.ofSeconds(40), cmd.toArray(String[]::new));
  }

  /** The names of the ports on the bridge. */
  public List<String> ports() throws IOException {
    String out = vsctl("--no-wait", "list-ports", bridge).strip();
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  /** One column of one port row, as ovs-vsctl prints it ({@code 10}, {@code [100, 200]}). */
  public String portColumn(String port, String column) throws IOException {
    return vsctl("--no-wait", "get", "port", port, column).strip();
  }

  /**
   * The VXLAN tunnel ports' interfaces as {@code "VNI>remote_ip"} (from {@code options:key} and
   * {@code options:remote_ip}), on any bridge.
   */
  public List<String> vxlanTunnels() throws IOException {
    String out = vsctl("--no-wait", "--format=csv", "--data=bare", "--no-headings",
        "--columns=options", "find", "interface", "type=vxlan");
    List<String> list = new ArrayList<>();
    for (String line : out.strip().lines().filter(l -> !l.isBlank()).toList()) {
      Matcher m = TUNNEL_OPTIONS.matcher(line);
      if (!m.find()) {
        throw new IOException("a vxlan interface without key and remote_ip: " + line);
      }
      list.add(m.group(1) + ">" + m.group(2));
    }
    return list;
  }

  /** The last lines of ovs-vswitchd's log. */
  public String vswitchdLog(int lines) {
    return RealLibvirtd.tail(dir.resolve("ovs-vswitchd.log"), lines);
  }

  /** Stops ovs-vswitchd, then ovsdb-server (by pid), and removes the temp dir. */
  @Override
  public void close() {
    if (vswitchd != null) {
      stop(vswitchd);
    }
    stop(ovsdb);
    LocalProcesses.deleteTree(dir);
  }

  // --- helpers -----------------------------------------------------------------------------

  private static Process launch(RealLibvirtd libvirtd, Path dir, String name, String... command)
      throws IOException {
    ProcessBuilder pb = libvirtd.processBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
    env(pb.environment(), dir);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  private static void env(Map<String, String> env, Path dir) {
    env.put("OVS_RUNDIR", dir.toString());
    env.put("OVS_LOGDIR", dir.toString());
    env.put("OVS_DBDIR", dir.toString());
    env.put("OVS_SYSCONFDIR", dir.toString());
  }

  private static void awaitFile(Process p, Path file, String what, Path dir) throws IOException {
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.exists(file)) {
      if (!p.isAlive()) {
        throw new IOException(what + " exited with " + p.exitValue() + ": "
            + RealLibvirtd.tail(dir.resolve(what + ".out"), 20) + "\n"
            + RealLibvirtd.tail(dir.resolve(what + ".log"), 20));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(what + " did not create " + file + " within " + START);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + what, e);
      }
    }
  }

  private static void stop(Process p) {
    try {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private static String run(Path dir, Duration timeout, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    env(pb.environment(), dir);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout);
      }
      String stdout = out.get(5, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new IOException(Path.of(cmd[0]).getFileName() + " " + String.join(" ",
            List.of(cmd).subList(1, cmd.length)) + " failed (" + p.exitValue() + "): "
            + err.get(5, TimeUnit.SECONDS).strip());
      }
      return stdout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + cmd[0], e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not read the output of " + cmd[0], e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
