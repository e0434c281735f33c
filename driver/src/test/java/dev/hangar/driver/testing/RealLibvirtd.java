package dev.hangar.driver.testing;

import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.embedded.LocalProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.StoragePool;

/**
 * A real {@code libvirtd} (qemu driver, TCG guests) for end-to-end tests, isolated from the machine
 * and from other tests:
 * <ul>
 *   <li>its own network namespace ({@code ip netns add}, unique name, deleted on close): bridges,
 *       taps, dnsmasq and iptables rules live there only;</li>
 *   <li>a private mount namespace in which private directories of a temp dir are bind-mounted over
 *       {@code /etc/libvirt}, {@code /run/libvirt}, {@code /var/lib/libvirt},
 *       {@code /var/log/libvirt} and {@code /var/cache/libvirt}: no autostarted {@code default}
 *       network, no domains or networks of anyone else;</li>
 *   <li>{@code virtlogd}, then {@code libvirtd}, in the foreground as children of the test JVM,
 *       with their output in {@code virtlogd.log} / {@code libvirtd.log} in {@link #dir()}.</li>
 * </ul>
 * It defines and starts an isolated management network {@value #MANAGEMENT_NETWORK} (bridge
 * {@value #MANAGEMENT_BRIDGE}, {@value #MANAGEMENT_GATEWAY}/24, DHCP .100–.199, no NAT) and a
 * {@code dir} storage pool {@value #STORAGE_POOL}. The test JVM reaches the daemon at
 * {@link #uri()} ({@code qemu:///system?socket=…}) from the host namespaces.
 *
 * <p>{@link #close()} destroys every domain left, stops every process in the namespace (libvirtd,
 * virtlogd, dnsmasq, qemu, and whatever a test started there with {@link #exec}) by pid, deletes
 * the namespace and the temp dir. A shutdown hook does the same if the JVM exits first.
 *
 * <p>libvirt's first connection normally probes qemu for about 8 s; the probe's result (libvirt's
 * own capabilities cache, which libvirt re-validates against the qemu binary) is kept in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/hangar/libvirt/qemu-capabilities} and copied into each new
 * daemon, so later starts take well under a second.
 *
 * <p>Guests are {@code <domain type='qemu'>} (TCG) whether or not the machine has {@code /dev/kvm}:
 * on some machines of this project's kind it is a nested paravirtual KVM under which the test
 * guest's kernel hangs before its first console line. So where {@code /dev/kvm} exists, an empty
 * file is bind-mounted read-only over it in the daemon's private mount namespace (the machine's
 * own stays untouched): libvirt's access check fails and its capabilities offer {@code qemu}
 * only. ({@code /dev/null} would not do: libvirt then re-probes qemu at every start.) The
 * provider attributes of {@link #providerAttributes()} also say {@code Virtualization = TCG}.
 * The daemon runs qemu as root with
 * no security driver, no cgroups and no private /dev, so a guest may use any file the test can
 * read (kernel, initrd, console log file in the test's temp dir).
 */
public final class RealLibvirtd implements AutoCloseable {
  /** The isolated NAT-less management network with DHCP. */
  public static final String MANAGEMENT_NETWORK = "hangar-mgmt";
  /** Linux bridge of {@link #MANAGEMENT_NETWORK}, inside the namespace. */
  public static final String MANAGEMENT_BRIDGE = "hgmgmt0";
  /** The host side address of the management network (a /24). */
  public static final String MANAGEMENT_GATEWAY = "192.168.213.1";
  /** A {@code dir} storage pool, at {@link #storagePoolPath()}. */
  public static final String STORAGE_POOL = "hangar-pool";
  /** libvirt's own TCP port, inside the namespace, when the daemon listens on TCP. */
  public static final int TCP_PORT = 16509;

  private static final String LIBVIRTD = "/usr/sbin/libvirtd";
  private static final String VIRTLOGD = "/usr/sbin/virtlogd";
  private static final String QEMU = "/usr/bin/qemu-system-x86_64";
  private static final String DNSMASQ = "/usr/sbin/dnsmasq";
  private static final List<String> HOST_DIRS = List.of("/etc/libvirt", "/run/libvirt",
      "/var/lib/libvirt", "/var/log/libvirt", "/var/cache/libvirt");
  private static final List<String> PRIVATE_DIRS = List.of("etc", "run", "lib", "log", "cache");
  /** The empty file that stands for /dev/kvm inside the daemon's mount namespace. */
  private static final String NO_KVM = "no-kvm";
  private static final Duration DAEMON_START = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path dir;
  private final String netns;
  private final Process virtlogd;
  private volatile Process libvirtd;
  private volatile Connect connection;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  /** What {@link #exec} returns. */
  public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + (stdout.isBlank() ? "" : ", stdout: " + stdout.strip())
          + (stderr.isBlank() ? "" : ", stderr: " + stderr.strip());
    }
  }

  private RealLibvirtd(Path dir, String netns, Process virtlogd, Process libvirtd,
      Connect connection) {
    this.dir = dir;
    this.netns = netns;
    this.virtlogd = virtlogd;
    this.libvirtd = libvirtd;
    this.connection = connection;
    this.shutdownHook = new Thread(this::stopEverything, "RealLibvirtd-cleanup-" + netns);
  }

  /** True when a real libvirtd with qemu can run here: root, and the packages of bin/deps vm. */
  public static boolean available() {
    return unavailableReason() == null;
  }

  /** Why {@link #available()} is false (for skip messages), or null when it is true. */
  public static String unavailableReason() {
    if (!isRoot()) {
      return "a real libvirtd needs root (network namespaces, bind mounts, tap devices)";
    }
    List<String> missing = new ArrayList<>();
    for (String p : List.of(LIBVIRTD, VIRTLOGD, QEMU, DNSMASQ)) {
      if (!Files.isExecutable(Path.of(p))) {
        missing.add(p);
      }
    }
    for (String tool : List.of("ip", "nsenter", "unshare", "mount", "iptables")) {
      if (which(tool) == null) {
        missing.add(tool);
      }
    }
    if (!qemuDriverInstalled()) {
      missing.add("libvirt's qemu driver (libvirt_driver_qemu.so)");
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      missing.add("/dev/net/tun");
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "missing " + String.join(", ", missing) + "; on Debian run bin/deps vm (packages "
        + "libvirt-daemon-system libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils "
        + "dnsmasq-base iptables iproute2)";
  }

  /**
   * Starts virtlogd and libvirtd in a fresh pair of namespaces, connects, and creates the
   * management network and the storage pool. On failure everything started is stopped again and
   * the exception carries the tail of libvirtd's log.
   */
  public static RealLibvirtd start() throws IOException {
    return start(false);
  }

  /**
   * {@link #start()}, and with {@code listenTcp} libvirtd also listens on TCP port
   * {@value #TCP_PORT} of every address of its namespace, unauthenticated ({@code auth_tcp =
   * "none"}): only what the test routes into the namespace reaches it (see
   * {@link LibvirtdTcpLink}). libvirt 9 without systemd has no socket activation, so the daemon
   * needs {@code --listen} for it.
   */
  public static RealLibvirtd start(boolean listenTcp) throws IOException {
    String why = unavailableReason();
    if (why != null) {
      throw new IOException("cannot start a real libvirtd: " + why);
    }
    try {
      LibvirtProbe.silenceLibvirtStderr();
    } catch (LibvirtException e) {
      throw new IOException("cannot install libvirt's error callback: " + e.getMessage(), e);
    }
    Path dir = Files.createTempDirectory("hangar-libvirtd-");
    String netns = null;
    Process virtlogd = null;
    Process libvirtd = null;
    Connect conn = null;
    try {
      // 755: dnsmasq drops to its own user and must traverse to its files.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String d : PRIVATE_DIRS) {
        Files.createDirectories(dir.resolve(d));
      }
      Files.createDirectories(dir.resolve("pool"));
      writeConfig(dir, listenTcp);
      CapabilitiesCache.copyIn(dir.resolve("cache/qemu/capabilities"));
      for (String d : HOST_DIRS) {
        // Mount points only (as the packages would create them); nothing is written there.
        Files.createDirectories(Path.of(d));
      }
      netns = createNetns();
      run(Duration.ofSeconds(10), "ip", "-n", netns, "link", "set", "lo", "up");

      StringBuilder mounts = new StringBuilder("set -e; d=$1; ");
      for (int i = 0; i < HOST_DIRS.size(); i++) {
        mounts.append("mount --bind \"$d/").append(PRIVATE_DIRS.get(i)).append("\" ")
            .append(HOST_DIRS.get(i)).append("; ");
      }
      Files.createFile(dir.resolve(NO_KVM), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("r--r--r--")));
      mounts.append("if [ -e /dev/kvm ]; then mount --bind -o ro \"$d/" + NO_KVM
          + "\" /dev/kvm; fi; ");
      mounts.append("exec " + VIRTLOGD + " -p \"$d/virtlogd.pid\" -f \"$d/etc/virtlogd.conf\"");
      virtlogd = new ProcessBuilder("ip", "netns", "exec", netns, "unshare", "--mount",
          "--propagation", "private", "--", "/bin/sh", "-c", mounts.toString(), "sh",
          dir.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("virtlogd.log").toFile())
          .start();
      awaitSocket(virtlogd, dir.resolve("run/virtlogd-sock"), "virtlogd");
      // libvirtd joins virtlogd's namespaces (same mounts, same network).
      List<String> daemon = new ArrayList<>(List.of("nsenter", "--target",
          Long.toString(virtlogd.pid()), "--mount", "--net", "--", LIBVIRTD, "-p",
          dir.resolve("libvirtd.pid").toString(), "-f",
          dir.resolve("etc/libvirtd.conf").toString()));
      if (listenTcp) {
        daemon.add("--listen");
      }
      libvirtd = new ProcessBuilder(daemon)
          .redirectErrorStream(true).redirectOutput(dir.resolve("libvirtd.log").toFile())
          .start();
      awaitSocket(libvirtd, dir.resolve("run/libvirt-sock"), "libvirtd");
      conn = new Connect(uri(dir));
      // The hypervisor version needs qemu's capabilities: probed here (about 8 s) unless the
      // copied-in cache is still valid, and saved for the next daemon.
      conn.getVersion();
      CapabilitiesCache.copyOut(dir.resolve("cache/qemu/capabilities"));
      defineManagementNetwork(conn);
      definePool(conn, dir.resolve("pool"));
      RealLibvirtd started = new RealLibvirtd(dir, netns, virtlogd, libvirtd, conn);
      Runtime.getRuntime().addShutdownHook(started.shutdownHook);
      return started;
    } catch (IOException | LibvirtException | RuntimeException e) {
      String message = "real libvirtd did not start (" + dir + ", netns " + netns + "): "
          + e.getMessage() + "\n--- libvirtd.log (tail) ---\n"
          + tail(dir.resolve("libvirtd.log"), 30)
          + "\n--- virtlogd.log (tail) ---\n" + tail(dir.resolve("virtlogd.log"), 10);
      if (conn != null) {
        closeQuietly(conn);
      }
      stopAll(netns, virtlogd, libvirtd);
      deleteNetns(netns);
      LocalProcesses.deleteTree(dir);
      throw new IOException(message, e);
    }
  }

  /**
   * A host that dies: SIGKILL to libvirtd and to every qemu of this host at once. virtlogd,
   * dnsmasq and the namespaces stay, so {@link #restartDaemon} brings libvirtd back with the
   * domain definitions it had (their guests stopped, as after a power loss). Meanwhile clients
   * get "connection refused" at once.
   */
  public void killDaemonAndGuests() throws IOException {
    kill(true);
  }

  /**
   * A host cut off from its clients while its guests run on: SIGKILL to libvirtd only. Its qemu
   * processes keep running (and holding their disks); {@link #restartDaemon} brings libvirtd back,
   * which takes them up again.
   */
  public void killDaemonOnly() throws IOException {
    kill(false);
  }

  /**
   * The out-of-band power-off of a cut-off host's guests (an admin's fencing, as IPMI would do
   * it): SIGKILL to every qemu of this host. libvirtd runs on and sees its guests stop.
   */
  public void killGuests() throws IOException {
    kill(false, true);
  }

  private void kill(boolean guests) throws IOException {
    kill(true, guests);
  }

  private void kill(boolean daemon, boolean guests) throws IOException {
    Set<Long> victims = new LinkedHashSet<>();
    if (daemon) {
      victims.add(libvirtd.pid());
    }
    for (long pid : guests ? netnsPids(netns) : List.<Long>of()) {
      try {
        if (Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("qemu-system")) {
          victims.add(pid);
        }
      } catch (IOException e) {
        // gone already
      }
    }
    victims.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    if (!awaitStopped(victims, Duration.ofSeconds(10))) {
      throw new IOException("libvirtd or a qemu of " + netns + " outlived SIGKILL");
    }
    if (!daemon) {
      return;
    }
    try {
      libvirtd.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(dir.resolve("run/libvirt-sock"));
  }

  /** Starts libvirtd again after {@link #killDaemonAndGuests}, in the same namespaces. */
  public void restartDaemon() throws IOException {
    List<String> daemon = new ArrayList<>(List.of("nsenter", "--target",
        Long.toString(virtlogd.pid()), "--mount", "--net", "--", LIBVIRTD, "-p",
        dir.resolve("libvirtd.pid").toString(), "-f",
        dir.resolve("etc/libvirtd.conf").toString()));
    if (Files.readString(dir.resolve("etc/libvirtd.conf")).contains("listen_tcp = 1")) {
      daemon.add("--listen");
    }
    libvirtd = new ProcessBuilder(daemon).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("libvirtd.log").toFile()))
        .start();
    awaitSocket(libvirtd, dir.resolve("run/libvirt-sock"), "libvirtd");
    try {
      Connect conn = new Connect(uri(dir));
      conn.getVersion();
      connection = conn;
    } catch (LibvirtException e) {
      throw new IOException("restarted libvirtd does not answer: " + e.getMessage(), e);
    }
  }

  /** {@code qemu:///system?socket=<dir>/run/libvirt-sock}, usable from the test JVM. */
  public String uri() {
    return uri(dir);
  }

  /** The fixture's own connection (closed by {@link #close()}; do not close it yourself). */
  public Connect connection() {
    return connection;
  }

  /** A new connection to this daemon; the caller closes it. */
  public Connect connect() throws LibvirtException {
    return new Connect(uri());
  }

  public String managementNetwork() {
    return MANAGEMENT_NETWORK;
  }

  public String managementBridge() {
    return MANAGEMENT_BRIDGE;
  }

  public String managementGateway() {
    return MANAGEMENT_GATEWAY;
  }

  public String storagePool() {
    return STORAGE_POOL;
  }

  /** The pool's directory, the same path in the test JVM and in the daemon's namespace. */
  public Path storagePoolPath() {
    return dir.resolve("pool");
  }

  /** The name of the network namespace (for {@code ip -n NAME} / {@code ip netns exec NAME}). */
  public String netns() {
    return netns;
  }

  /** The temp dir: daemon logs, private config/state ({@code etc run lib log cache}), pool. */
  public Path dir() {
    return dir;
  }

  public long libvirtdPid() {
    return libvirtd.pid();
  }

  public long virtlogdPid() {
    return virtlogd.pid();
  }

  public boolean isAlive() {
    return libvirtd.isAlive() && virtlogd.isAlive();
  }

  /** The last {@code lines} lines of libvirtd's own output (warnings and errors). */
  public String libvirtdLog(int lines) {
    return tail(dir.resolve("libvirtd.log"), lines);
  }

  /** The last lines of qemu's log for a domain (its command line, qemu's errors). */
  public String qemuLog(String domainName, int lines) {
    Path log = dir.resolve("log/qemu/" + domainName + ".log");
    if (!domainName.isEmpty() && Files.exists(log)) {
      return tail(log, lines);
    }
    // A failed Deploy answers no name, and its VM is gone: show what every guest wrote.
    StringBuilder all = new StringBuilder();
    try (var logs = Files.list(dir.resolve("log/qemu"))) {
      logs.filter(f -> f.getFileName().toString().endsWith(".log")).sorted()
          .forEach(f -> all.append("--- ").append(f.getFileName()).append(" ---\n")
              .append(tail(f, lines)).append('\n'));
    } catch (IOException | UncheckedIOException e) {
      return "(no qemu logs: " + e.getMessage() + ")";
    }
    return all.length() == 0 ? "(no qemu log" + (domainName.isEmpty() ? "s" : " of "
        + domainName) + ")" : all.toString();
  }

  /**
   * The provider attributes (prefixed) that point a KVM provider at this daemon: Hypervisors,
   * Storage Pool, Management Network, and Virtualization = TCG.
   */
  public Map<String, String> providerAttributes() {
    String p = "Hangar Cloud Provider.";
    return Map.of(p + "Hypervisors", uri(), p + "Storage Pool", storagePool(),
        p + "Management Network", managementNetwork(), p + "Virtualization", "TCG");
  }

  /**
   * Runs a command inside the daemon's network and mount namespaces (so it sees qemu's taps,
   * the management bridge and /run/libvirt) and waits up to 60 s for it.
   */
  public ExecResult exec(String... command) throws IOException {
    return exec(Duration.ofSeconds(60), command);
  }

  /** {@link #exec(String...)} with a time limit; the command is killed when it is exceeded. */
  public ExecResult exec(Duration timeout, String... command) throws IOException {
    return run(timeout, inside(command));
  }

  /**
   * A process builder for a command inside the namespaces, for long-running processes (an
   * ovsdb-server, ovs-vswitchd next to libvirtd). Whatever it starts there and leaves running
   * is stopped by {@link #close()}.
   */
  public ProcessBuilder processBuilder(String... command) {
    return new ProcessBuilder(inside(command));
  }

  private List<String> inside(String... command) {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--target",
        Long.toString(virtlogd.pid()), "--mount", "--net", "--"));
    cmd.addAll(List.of(command));
    return cmd;
  }

  /**
   * Destroys the domains left, stops libvirtd, virtlogd, dnsmasq, qemu and anything else in the
   * namespace (by pid), deletes the namespace (which ends the private mounts) and the temp dir.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is exiting; the hook runs (or ran) this same cleanup.
    }
    stopEverything();
  }

  private void stopEverything() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      destroyDomains(connection);
      for (String n : connection.listNetworks()) {
        Network net = connection.networkLookupByName(n);
        try {
          net.destroy();
        } finally {
          net.free();
        }
      }
    } catch (LibvirtException | RuntimeException e) {
      // The daemon may be gone already; the pids below are killed either way.
    }
    closeQuietly(connection);
    stopAll(netns, virtlogd, libvirtd);
    deleteNetns(netns);
    LocalProcesses.deleteTree(dir);
  }

  private static void destroyDomains(Connect conn) throws LibvirtException {
    for (int id : conn.listDomains()) {
      Domain d;
      try {
        d = conn.domainLookupByID(id);
      } catch (LibvirtException e) {
        continue; // gone meanwhile
      }
      try {
        d.destroy();
      } catch (LibvirtException e) {
        // already stopping
      } finally {
        d.free();
      }
    }
  }

  // --- setup -------------------------------------------------------------------------------

  private static String uri(Path dir) {
    return "qemu:///system?socket=" + dir.resolve("run/libvirt-sock");
  }

  private static void writeConfig(Path dir, boolean listenTcp) throws IOException {
    Path etc = dir.resolve("etc");
    // The daemon is reached through its private socket, by root, and (listenTcp) over TCP from
    // inside its private network namespace only.
    List<String> conf = new ArrayList<>(List.of(
        "auth_unix_rw = \"none\"",
        "auth_unix_ro = \"none\"",
        "unix_sock_rw_perms = \"0700\"",
        "log_outputs = \"3:stderr\""));
    if (listenTcp) {
      conf.addAll(List.of("listen_tcp = 1", "listen_tls = 0", "auth_tcp = \"none\"",
          "tcp_port = \"" + TCP_PORT + "\""));
    }
    conf.add("");
    Files.writeString(etc.resolve("libvirtd.conf"), String.join("\n", conf));
    Files.writeString(etc.resolve("virtlogd.conf"), "log_outputs = \"3:stderr\"\n");
    // qemu as root, unconfined, no cgroups (no systemd here), no private /dev: guests may use any
    // file the test can read, and nothing is relabelled on the host.
    Files.writeString(etc.resolve("qemu.conf"), String.join("\n",
        "user = \"root\"",
        "group = \"root\"",
        "dynamic_ownership = 0",
        "remember_owner = 0",
        "security_driver = \"none\"",
        "namespaces = [ ]",
        "cgroup_controllers = [ ]",
        ""));
  }

  private static String createNetns() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      String name = "hglv-" + ProcessHandle.current().pid() + "-"
          + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(4);
      ExecResult r = run(Duration.ofSeconds(10), List.of("ip", "netns", "add", name));
      if (r.ok()) {
        return name;
      }
      last = new IOException("ip netns add " + name + " failed: " + r);
    }
    throw last;
  }

  private static void defineManagementNetwork(Connect conn) throws LibvirtException {
    String prefix = MANAGEMENT_GATEWAY.substring(0, MANAGEMENT_GATEWAY.lastIndexOf('.') + 1);
    // no-ping: dnsmasq otherwise pings each address before offering it and ignores the first
    // DHCPDISCOVER for ~3 s.
    String xml = """
        <network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
          <name>%s</name>
          <bridge name='%s' stp='off' delay='0'/>
          <ip address='%s' netmask='255.255.255.0'>
            <dhcp><range start='%s100' end='%s199'/></dhcp>
          </ip>
          <dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options>
        </network>
        """.formatted(MANAGEMENT_NETWORK, MANAGEMENT_BRIDGE, MANAGEMENT_GATEWAY, prefix, prefix);
    Network net = conn.networkDefineXML(xml);
    try {
      net.create();
    } finally {
      net.free();
    }
  }

  private static void definePool(Connect conn, Path path) throws LibvirtException {
    String xml = """
        <pool type='dir'>
          <name>%s</name>
          <target><path>%s</path></target>
        </pool>
        """.formatted(STORAGE_POOL, path);
    StoragePool pool = conn.storagePoolDefineXML(xml, 0);
    try {
      pool.build(0);
      pool.create(0);
    } finally {
      pool.free();
    }
  }

  private static void awaitSocket(Process p, Path socket, String what)
      throws IOException {
    long deadline = System.nanoTime() + DAEMON_START.toNanos();
    // The file appears at bind(), before listen(): wait until a connection is accepted, or a
    // loaded machine sees "Connection refused" from a daemon that is still starting.
    while (!accepts(socket)) {
      if (!p.isAlive()) {
        throw new IOException(what + " exited with " + p.exitValue() + " (see its log below)");
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(what + " did not listen on " + socket + " within " + DAEMON_START);
      }
      sleep(20);
    }
  }

  private static boolean accepts(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  // --- teardown ----------------------------------------------------------------------------

  /**
   * SIGTERM to the daemons and to every process in the namespace, SIGKILL to what is still
   * running after {@link #STOP_GRACE}. A process counts as stopped once it is a zombie: daemonized
   * ones (dnsmasq, qemu) are reaped by init, not by us.
   */
  private static void stopAll(String netns, Process virtlogd, Process libvirtd) {
    // A few rounds: a dying libvirtd may still have forked something.
    for (int round = 0; round < 3; round++) {
      Set<Long> pids = new LinkedHashSet<>();
      for (Process p : new Process[] {libvirtd, virtlogd}) {
        if (p != null) {
          pids.add(p.pid());
        }
      }
      pids.addAll(netnsPids(netns));
      pids.removeIf(pid -> !running(pid));
      if (pids.isEmpty()) {
        break;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
      if (!awaitStopped(pids, STOP_GRACE)) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        awaitStopped(pids, Duration.ofSeconds(2));
      }
    }
    for (Process p : new Process[] {libvirtd, virtlogd}) {
      if (p != null) {
        try {
          p.waitFor(2, TimeUnit.SECONDS); // reaped by the JVM
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static boolean awaitStopped(Set<Long> pids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pids.stream().anyMatch(RealLibvirtd::running)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** True while {@code pid} exists and is not a zombie. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The processes whose network namespace is {@code netns} (all of them are ours). */
  private static List<Long> netnsPids(String netns) {
    if (netns == null) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    try {
      ExecResult r = run(Duration.ofSeconds(10), List.of("ip", "netns", "pids", netns));
      for (String line : r.stdout().split("\\s+")) {
        if (!line.isBlank()) {
          out.add(Long.parseLong(line.strip()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // nothing to add
    }
    return out;
  }

  private static void deleteNetns(String netns) {
    if (netns == null) {
      return;
    }
    try {
      run(Duration.ofSeconds(10), List.of("ip", "netns", "delete", netns));
    } catch (IOException e) {
      // reported by `ip netns list`; nothing runs in it any more
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private static ExecResult run(Duration timeout, String... cmd) throws IOException {
    ExecResult r = run(timeout, List.of(cmd));
    if (!r.ok()) {
      throw new IOException(String.join(" ", cmd) + " failed: " + r);
    }
    return r;
  }

  /** Runs {@code cmd} in the host namespaces (also for {@link LibvirtdTcpLink}). */
  static ExecResult run(Duration timeout, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout);
      }
      return new ExecResult(p.exitValue(), out.get(5, TimeUnit.SECONDS),
          err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + cmd.get(0), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not read the output of " + cmd.get(0), e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no " + file.getFileName() + ")";
    }
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return false;
  }

  private static Path which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return Path.of(d, tool);
      }
    }
    return null;
  }

  private static boolean qemuDriverInstalled() {
    try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
      return libs.anyMatch(d -> Files.exists(
          d.resolve("libvirt/connection-driver/libvirt_driver_qemu.so")));
    } catch (IOException e) {
      return false;
    }
  }

  private static void closeQuietly(Connect conn) {
    try {
      conn.close();
    } catch (LibvirtException | RuntimeException e) {
      // the daemon is being stopped anyway
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * libvirt's qemu capabilities cache, shared between daemons through the user's cache dir.
   * libvirt checks each entry against the qemu binary, the kernel and itself, and probes again
   * when it does not match; files are copied in and out whole (replaced by rename), so daemons
   * running at the same time never see a half-written file.
   */
  static final class CapabilitiesCache {
    private CapabilitiesCache() {}

    static Path shared() {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
          : Path.of(System.getProperty("user.home"), ".cache");
      return base.resolve("hangar/libvirt/qemu-capabilities");
    }

    static void copyIn(Path target) throws IOException {
      Files.createDirectories(target);
      Path shared = shared();
      if (!Files.isDirectory(shared)) {
        return;
      }
      try (Stream<Path> files = Files.list(shared)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
          Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }

    static void copyOut(Path source) {
      try (Stream<Path> files = Files.list(source)) {
        Path shared = shared();
        Files.createDirectories(shared);
        for (Path f : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
          Path dest = shared.resolve(f.getFileName());
          if (Files.exists(dest) && Files.mismatch(f, dest) == -1) {
            continue;
          }
          Path tmp = Files.createTempFile(shared, ".caps-", ".tmp");
          Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        // Only a speed-up: the next daemon probes qemu itself.
      }
    }
  }
}
