package dev.hangar.driver.embedded;

import dev.hangar.driver.embedded.StackProcesses.Service;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real OpenStack for tests: Keystone, Glance, Placement, Nova (api, conductor, scheduler, and
 * compute with the fake virt driver, whose snapshots upload a small payload:
 * {@code openstack-stack/nova_compute.py}) and Neutron (ML2, openvswitch mechanism driver,
 * router and trunk service plugins, no agent) on a private PostgreSQL cluster and RabbitMQ
 * node, all from Debian's packages ({@code bin/deps openstack}), run by hand on 127.0.0.1 with
 * free ports and a private temp dir.
 *
 * <p>Its parts: {@link OpenStackConfigs} (the services' configuration), {@link
 * StackBackingServices} (PostgreSQL and RabbitMQ), {@link StackProcesses} (starting, waiting
 * for and stopping processes) and {@link StackRegistration} (catalog, agent, compute host).
 *
 * <p>It starts once per test JVM ({@link #shared()}), shared by every OpenStack test class (about
 * a minute on two cores), and a shutdown hook stops it by pid at JVM exit: each service runs in
 * its own session ({@code setsid}), and stopping sends TERM, then KILL, to that process group and
 * every descendant. A start that fails stops what it started and is not tried again in the JVM.
 *
 * <p>Tests reach it through {@code dev.hangar.driver.testing.OpenStackStacks}, which skips them
 * where the packages are missing (fails them on CI); the OpenStack benchmark starts it too.
 */
public final class PrivateOpenStack {
  /** The admin password of the stack's Keystone (user {@code admin}, project {@code admin}). */
  public static final String PASSWORD = "hangar-os-" + Long.toHexString(System.nanoTime());
  private static final String PY = "/usr/bin/python3"; // the Debian modules live only there
  private static final List<String> MODULES = List.of("keystone", "glance", "placement", "nova",
      "neutron", "psycopg2");

  /**
   * The bound of each schema sync: far above the 20-60 s they take, since they all run at once
   * and one Keystone sync on a loaded 2-core CI machine once took over 240 s.
   */
  private static final Duration DB_SYNC = Duration.ofSeconds(600);

  private static PrivateOpenStack shared;
  private static IOException failure;

  private final Path dir;
  private final OpenStackConfigs.Ports ports;
  private final StackProcesses processes;
  private final long startedNanos = System.nanoTime();
  private volatile Duration startTime = Duration.ZERO;
  private volatile boolean failed;

  private PrivateOpenStack(Path dir, OpenStackConfigs.Ports ports) {
    this.dir = dir;
    this.ports = ports;
    this.processes = new StackProcesses(dir, PASSWORD);
  }

  /** Why the stack cannot run here, or null when it can. */
  public static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "the OpenStack test stack runs PostgreSQL as user postgres: it needs root";
    }
    List<String> missing = new ArrayList<>();
    for (String m : MODULES) {
      if (!Files.isDirectory(Path.of("/usr/lib/python3/dist-packages", m))) {
        missing.add("python3-" + m);
      }
    }
    if (!Files.isExecutable(Path.of(StackBackingServices.RABBIT))) {
      missing.add("rabbitmq-server");
    }
    if (StackBackingServices.pgBin() == null) {
      missing.add("postgresql");
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "OpenStack is not installed (missing " + String.join(", ", missing)
        + "): run bin/deps openstack";
  }

  /** Starts the stack once per JVM; a failed start is reported again to every later caller. */
  public static synchronized PrivateOpenStack shared() throws IOException {
    if (shared != null) {
      return shared;
    }
    if (failure != null) {
      throw new IOException("the OpenStack test stack failed to start earlier in this JVM",
          failure);
    }
    try {
      shared = start();
      return shared;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  private static IOException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IOException("interrupted while starting OpenStack", e);
  }

  private static PrivateOpenStack start() throws IOException {
    String why = unavailableReason();
    if (why != null) {
      throw new IOException(why);
    }
    Path dir = Files.createTempDirectory("hangar-openstack-");
    // 755: user postgres must reach its data dir below
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int[] p = new int[9];
    for (int i = 0; i < p.length; i++) {
      int port;
      do {
        port = LocalProcesses.freeLoopbackPort();
      } while (contains(p, port));
      p[i] = port;
    }
    PrivateOpenStack stack = new PrivateOpenStack(dir, new OpenStackConfigs.Ports(p[0], p[1],
        p[2], p[3], p[4], p[5], p[6], p[7], p[8]));
    // registered before the first process starts: a JVM that exits mid-start stops them too
    Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "PrivateOpenStack-stop"));
    try {
      stack.boot();
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.failed = true; // the dir stays: its logs say why
      stack.processes.stopAll();
      throw new IOException("the OpenStack test stack did not start (logs in " + dir.resolve(
          "log") + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      stack.failed = true;
      stack.processes.stopAll();
      throw interrupted(e);
    }
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ public surface

  /** Keystone v3, e.g. {@code http://127.0.0.1:PORT/v3}. */
  public String keystoneUrl() {
    return "http://" + OpenStackConfigs.HOST + ":" + ports.keystone() + "/v3";
  }

  public String neutronUrl() {
    return "http://" + OpenStackConfigs.HOST + ":" + ports.neutron() + "/v2.0";
  }

  public String novaUrl() {
    return "http://" + OpenStackConfigs.HOST + ":" + ports.nova() + "/v2.1";
  }

  /** The physical network of provider VLAN networks. */
  public String physicalNetwork() {
    return OpenStackConfigs.PHYSNET;
  }

  /** How long the start took. */
  public Duration startTime() {
    return startTime;
  }

  public Path dir() {
    return dir;
  }

  /** Kills one service ({@code nova-api}, {@code neutron-server}, ...) by its process group. */
  public void kill(String name) {
    StackProcesses.stopProcess(processes.service(name).process, Duration.ofSeconds(5));
  }

  /** Whether a service's process is alive. */
  public boolean running(String name) {
    Process p = processes.service(name).process;
    return p != null && p.isAlive();
  }

  /** Starts a killed service again and waits until its API answers. */
  public void restart(String name) throws IOException, InterruptedException {
    Service s = processes.launch(processes.service(name));
    switch (name) {
      case "nova-api" -> processes.waitHttp(s, "http://127.0.0.1:" + ports.nova() + "/",
          ports.nova());
      case "neutron-server" -> processes.waitHttp(s, "http://127.0.0.1:" + ports.neutron()
          + "/", ports.neutron());
      default -> { }
    }
  }

  // ------------------------------------------------------------------ boot

  private void boot() throws IOException, InterruptedException {
    for (String d : List.of("log", "bin", "keystone/fernet-keys", "keystone/credential-keys",
        "glance/images", "glance/staging", "placement", "nova/instances", "nova/lock",
        "neutron/lock", "rabbit", "pg")) {
      Files.createDirectories(dir.resolve(d));
    }
    OpenStackConfigs conf = new OpenStackConfigs(dir, ports, PASSWORD);
    write("keystone/keystone.conf", conf.keystone());
    write("glance/glance-api.conf", conf.glance());
    write("placement/placement.conf", conf.placement());
    write("nova/nova.conf", conf.nova(true));
    write("nova/nova-cpu.conf", conf.nova(false));
    write("neutron/neutron.conf", conf.neutron());
    write("neutron/ml2_conf.ini", conf.ml2());
    write("rabbit/rabbitmq.conf", conf.rabbit());
    write("rabbit/enabled_plugins", "[].\n");
    copyResource("glance-api-paste.ini", "glance/glance-api-paste.ini");
    copyResource("nova-api-paste.ini", "nova/api-paste.ini");
    copyResource("neutron-api-paste.ini", "neutron/api-paste.ini");
    copyResource("wsgi_serve.py", "bin/wsgi_serve.py");
    copyResource("report_agent.py", "bin/report_agent.py");
    copyResource("nova_compute.py", "bin/nova_compute.py");

    StackBackingServices backing = new StackBackingServices(dir, ports, processes);
    backing.startPostgres();
    step("postgresql up");
    backing.startRabbit();
    Process[] syncs = {
      keystoneDb(),
      processes.runAsync("glance-manage", pyMain("glance.cmd.manage", "--config-file",
          path("glance/glance-api.conf"), "db_sync")),
      processes.runAsync("placement-manage", pyMain("placement.cmd.manage", "--config-file",
          path("placement/placement.conf"), "db", "sync")),
      processes.runAsync("neutron-db-manage", pyMain("neutron.db.migration.cli", "--config-file",
          path("neutron/neutron.conf"), "--config-file", path("neutron/ml2_conf.ini"),
          "upgrade", "heads")),
      processes.runAsync("nova-manage", List.of("/bin/sh", "-c", novaManage("api_db sync") + " && "
          + novaManage("cell_v2 map_cell0 --database_connection " + conf.db("nova_cell0"))
          + " && " + novaManage("cell_v2 create_cell --name cell1") + " && "
          + novaManage("db sync")))};
    // Keystone serves only once its keys exist; the other syncs go on meanwhile.
    processes.awaitExit(syncs[0], DB_SYNC);
    Service keystone = processes.launch(new Service("keystone", List.of(PY,
        path("bin/wsgi_serve.py"),
        "keystone.server.wsgi:initialize_public_application", OpenStackConfigs.HOST,
        Integer.toString(ports.keystone())), Map.of("OS_KEYSTONE_CONFIG_FILES",
        path("keystone/keystone.conf"))));
    for (int i = 1; i < syncs.length; i++) {
      processes.awaitExit(syncs[i], DB_SYNC);
    }
    step("glance, placement, neutron, nova databases ready");
    processes.waitHttp(keystone, keystoneUrl(), ports.keystone());
    StackRegistration registration = new StackRegistration(ports, processes, keystoneUrl(),
        PASSWORD);
    String token = registration.registerCatalog();
    step("keystone up, catalog registered");

    Service placement = processes.launch(new Service("placement", List.of(PY,
        path("bin/wsgi_serve.py"),
        "placement.wsgi:init_application", OpenStackConfigs.HOST,
        Integer.toString(ports.placement())), Map.of("OS_PLACEMENT_CONFIG_DIR",
        path("placement"))));
    Service glance = processes.launch(service("glance-api", "glance.cmd.api", "--config-file",
        path("glance/glance-api.conf")));
    processes.awaitListening(processes.service("rabbitmq"), ports.rabbit());
    step("rabbitmq up");
    Service neutron = processes.launch(service("neutron-server", "neutron.cmd.eventlet.server",
        "--config-file", path("neutron/neutron.conf"), "--config-file",
        path("neutron/ml2_conf.ini")));
    Service novaApi = processes.launch(service("nova-api", "nova.cmd.api", "--config-file",
        path("nova/nova.conf")));
    processes.launch(service("nova-conductor", "nova.cmd.conductor", "--config-file",
        path("nova/nova.conf")));
    processes.launch(service("nova-scheduler", "nova.cmd.scheduler", "--config-file",
        path("nova/nova.conf")));
    processes.waitHttp(placement, "http://127.0.0.1:" + ports.placement() + "/", ports.placement());
    // nova-compute through our launcher: the fake driver with snapshots that upload data
    processes.launch(new Service("nova-compute", List.of(PY, path("bin/nova_compute.py"),
        "--config-file", path("nova/nova-cpu.conf")), Map.of()));
    processes.waitHttp(glance, "http://127.0.0.1:" + ports.glance() + "/", ports.glance());
    processes.waitHttp(neutron, "http://127.0.0.1:" + ports.neutron() + "/", ports.neutron());
    step("placement, glance, neutron up");
    registration.registerAgent(List.of(PY, path("bin/report_agent.py"),
        path("neutron/neutron.conf"), OpenStackConfigs.COMPUTE_HOST));
    step("ovs agent registered on " + OpenStackConfigs.COMPUTE_HOST);
    processes.waitHttp(novaApi, "http://127.0.0.1:" + ports.nova() + "/", ports.nova());
    registration.waitComputeHost(token, novaUrl(), List.of("/bin/sh", "-c",
        novaManage("cell_v2 discover_hosts")));
    step("compute host " + OpenStackConfigs.COMPUTE_HOST + " up and in placement");
    startTime = Duration.ofNanos(System.nanoTime() - startedNanos);
    step("ready in " + startTime.toMillis() + " ms");
  }

  private void step(String what) throws IOException {
    String line = String.format("[%6.1fs] %s%n", (System.nanoTime() - startedNanos) / 1e9, what);
    Files.writeString(dir.resolve("log/start.log"), line, StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  private String path(String relative) {
    return dir.resolve(relative).toString();
  }

  private void write(String relative, String text) throws IOException {
    Files.writeString(dir.resolve(relative), text, StandardCharsets.UTF_8);
  }

  private void copyResource(String name, String relative) throws IOException {
    try (InputStream in = PrivateOpenStack.class.getResourceAsStream("/openstack-stack/"
        + name)) {
      if (in == null) {
        throw new IOException("test resource openstack-stack/" + name + " is missing");
      }
      Files.write(dir.resolve(relative), in.readAllBytes());
    }
  }

  /** {@code python3 -c "from MODULE import main; main()" ARGS}, with argv[0] the module's. */
  private static List<String> pyMain(String module, String... args) {
    List<String> cmd = new ArrayList<>(List.of(PY, "-c", "import sys; sys.argv[0] = '"
        + module + "'; from " + module + " import main; sys.exit(main())"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private String novaManage(String args) {
    return PY + " -c 'from nova.cmd.manage import main; main()' --config-file "
        + path("nova/nova.conf") + " " + args;
  }

  private static Service service(String name, String module, String... args) {
    return new Service(name, pyMain(module, args), Map.of());
  }

  /**
   * Keystone's schema, fernet and credential keys and its admin, in one chain started beside
   * the other services' schema syncs.
   */
  private Process keystoneDb() throws IOException {
    String manage = PY + " -c 'from keystone.cmd.manage import main; main()' --config-file "
        + path("keystone/keystone.conf") + " ";
    String owner = " --keystone-user root --keystone-group root";
    // The password reaches the child through its environment, not its command line.
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", manage + "db_sync && " + manage
        + "fernet_setup" + owner + " && " + manage + "credential_setup" + owner + " && "
        + manage + "bootstrap --bootstrap-password \"$OS_BOOTSTRAP_PASSWORD\""
        + " --bootstrap-admin-url " + keystoneUrl() + " --bootstrap-internal-url "
        + keystoneUrl() + " --bootstrap-public-url " + keystoneUrl()
        + " --bootstrap-region-id RegionOne").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/keystone-manage.log")
            .toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("OS_BOOTSTRAP_PASSWORD", PASSWORD);
    return pb.start();
  }

  /** Stops every service, newest first, and removes the private dir (kept after a failed
   * start, for its logs). */
  public synchronized void stop() {
    processes.stopAll();
    if (!failed) {
      LocalProcesses.deleteTree(dir);
    }
  }
}
