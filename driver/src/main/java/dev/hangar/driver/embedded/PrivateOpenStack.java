package dev.hangar.driver.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenStack for tests: Keystone, Glance, Placement, Nova (api, conductor, scheduler, and
 * compute with the fake virt driver) and Neutron (ML2, openvswitch mechanism driver, no agent) on
 * a private PostgreSQL cluster and RabbitMQ node, all from Debian's packages ({@code bin/deps
 * openstack}), run by hand on 127.0.0.1 with free ports and a private temp dir.
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
  private static final Duration READY = Duration.ofSeconds(180);
  private static final List<String> MODULES = List.of("keystone", "glance", "placement", "nova",
      "neutron", "psycopg2");
  private static final String RABBIT = "/usr/lib/rabbitmq/bin/rabbitmq-server";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PrivateOpenStack shared;
  private static IOException failure;

  private final Path dir;
  private final OpenStackConfigs.Ports ports;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final long startedNanos = System.nanoTime();
  private volatile Duration startTime = Duration.ZERO;
  private volatile boolean failed;

  /** One service process: its command, kept for a restart. */
  private static final class Service {
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

  private PrivateOpenStack(Path dir, OpenStackConfigs.Ports ports) {
    this.dir = dir;
    this.ports = ports;
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
    if (!Files.isExecutable(Path.of(RABBIT))) {
      missing.add("rabbitmq-server");
    }
    if (pgBin() == null) {
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

  private static Path pgBin() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve(
          "postgres"))).max(Path::compareTo).orElse(null);
    } catch (IOException e) {
      return null;
    }
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
      stack.stopServices();
      throw new IOException("the OpenStack test stack did not start (logs in " + dir.resolve(
          "log") + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      stack.failed = true;
      stack.stopServices();
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
    Service s = service(name);
    stopProcess(s.process, Duration.ofSeconds(5));
  }

  /** Whether a service's process is alive. */
  public boolean running(String name) {
    Process p = service(name).process;
    return p != null && p.isAlive();
  }

  /** Starts a killed service again and waits until its API answers. */
  public void restart(String name) throws IOException, InterruptedException {
    Service s = service(name);
    launch(s);
    switch (name) {
      case "nova-api" -> waitHttp(s, "http://127.0.0.1:" + ports.nova() + "/", ports.nova());
      case "neutron-server" -> waitHttp(s, "http://127.0.0.1:" + ports.neutron() + "/",
          ports.neutron());
      default -> { }
    }
  }

  private Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no service " + name + " in the stack");
    }
    return s;
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

    startPostgres();
    step("postgresql up");
    startRabbit();
    Process[] syncs = {
      keystoneDb(),
      runAsync("glance-manage", pyMain("glance.cmd.manage", "--config-file",
          path("glance/glance-api.conf"), "db_sync")),
      runAsync("placement-manage", pyMain("placement.cmd.manage", "--config-file",
          path("placement/placement.conf"), "db", "sync")),
      runAsync("neutron-db-manage", pyMain("neutron.db.migration.cli", "--config-file",
          path("neutron/neutron.conf"), "--config-file", path("neutron/ml2_conf.ini"),
          "upgrade", "heads")),
      runAsync("nova-manage", List.of("/bin/sh", "-c", novaManage("api_db sync") + " && "
          + novaManage("cell_v2 map_cell0 --database_connection " + conf.db("nova_cell0"))
          + " && " + novaManage("cell_v2 create_cell --name cell1") + " && "
          + novaManage("db sync")))};
    // Keystone serves only once its keys exist; the other syncs go on meanwhile.
    awaitExit(syncs[0], Duration.ofSeconds(240));
    Service keystone = launch(new Service("keystone", List.of(PY, path("bin/wsgi_serve.py"),
        "keystone.server.wsgi:initialize_public_application", OpenStackConfigs.HOST,
        Integer.toString(ports.keystone())), Map.of("OS_KEYSTONE_CONFIG_FILES",
        path("keystone/keystone.conf"))));
    for (int i = 1; i < syncs.length; i++) {
      awaitExit(syncs[i], Duration.ofSeconds(240));
    }
    step("glance, placement, neutron, nova databases ready");
    waitHttp(keystone, keystoneUrl(), ports.keystone());
    String token = registerCatalog();
    step("keystone up, catalog registered");

    Service placement = launch(new Service("placement", List.of(PY, path("bin/wsgi_serve.py"),
        "placement.wsgi:init_application", OpenStackConfigs.HOST,
        Integer.toString(ports.placement())), Map.of("OS_PLACEMENT_CONFIG_DIR",
        path("placement"))));
    Service glance = launch(service("glance-api", "glance.cmd.api", "--config-file",
        path("glance/glance-api.conf")));
    awaitListening(services.get("rabbitmq"), ports.rabbit());
    step("rabbitmq up");
    Service neutron = launch(service("neutron-server", "neutron.cmd.eventlet.server",
        "--config-file", path("neutron/neutron.conf"), "--config-file",
        path("neutron/ml2_conf.ini")));
    Service novaApi = launch(service("nova-api", "nova.cmd.api", "--config-file",
        path("nova/nova.conf")));
    launch(service("nova-conductor", "nova.cmd.conductor", "--config-file",
        path("nova/nova.conf")));
    launch(service("nova-scheduler", "nova.cmd.scheduler", "--config-file",
        path("nova/nova.conf")));
    waitHttp(placement, "http://127.0.0.1:" + ports.placement() + "/", ports.placement());
    launch(service("nova-compute", "nova.cmd.compute", "--config-file",
        path("nova/nova-cpu.conf")));
    waitHttp(glance, "http://127.0.0.1:" + ports.glance() + "/", ports.glance());
    waitHttp(neutron, "http://127.0.0.1:" + ports.neutron() + "/", ports.neutron());
    step("placement, glance, neutron up");
    registerAgent();
    step("ovs agent registered on " + OpenStackConfigs.COMPUTE_HOST);
    waitHttp(novaApi, "http://127.0.0.1:" + ports.nova() + "/", ports.nova());
    waitComputeHost(token);
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

  private Service service(String name, String module, String... args) {
    return new Service(name, pyMain(module, args), Map.of());
  }

  private void startPostgres() throws IOException, InterruptedException {
    Path bin = pgBin();
    Path pg = dir.resolve("pg");
    LocalProcesses.run(new ProcessBuilder("chown", "postgres:", pg.toString()));
    run("initdb", List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(),
        "-D", pg.resolve("data").toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--no-sync"), Duration.ofSeconds(120));
    Service postgres = launch(new Service("postgres", List.of("runuser", "-u", "postgres", "--",
        bin.resolve("postgres").toString(), "-D", pg.resolve("data").toString(), "-k",
        pg.toString(), "-h", OpenStackConfigs.HOST, "-p", Integer.toString(ports.postgres()),
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
        "max_connections=400"), Map.of()));
    awaitListening(postgres, ports.postgres());
    // listening is not ready: until recovery ends it refuses logins ("starting up")
    long ready = System.nanoTime() + READY.toNanos();
    while (true) {
      try {
        run("pg_isready", List.of(bin.resolve("pg_isready").toString(), "-q", "-h",
            OpenStackConfigs.HOST, "-p", Integer.toString(ports.postgres())),
            Duration.ofSeconds(10));
        break;
      } catch (IOException e) {
        if (System.nanoTime() > ready || !postgres.process.isAlive()) {
          throw new IOException("PostgreSQL did not accept connections: " + e.getMessage(), e);
        }
        sleep(200);
      }
    }
    for (String db : List.of("keystone", "glance", "placement", "neutron", "nova_api",
        "nova_cell0", "nova_cell1")) {
      run("createdb", List.of(bin.resolve("psql").toString(), "-h", OpenStackConfigs.HOST,
          "-p", Integer.toString(ports.postgres()), "-U", "postgres", "-qc",
          "CREATE DATABASE " + db), Duration.ofSeconds(60));
    }
  }

  private void startRabbit() throws IOException {
    Map<String, String> erl = Map.of("ERL_EPMD_ADDRESS", OpenStackConfigs.HOST,
        "ERL_EPMD_PORT", Integer.toString(ports.epmd()));
    Service epmd = launch(new Service("epmd", List.of("/usr/bin/epmd", "-address",
        OpenStackConfigs.HOST, "-port", Integer.toString(ports.epmd())), erl));
    awaitListening(epmd, ports.epmd());
    Map<String, String> env = new LinkedHashMap<>(erl);
    env.put("HOME", path("rabbit"));
    env.put("RABBITMQ_NODENAME", "hangar" + HexFormat.of().toHexDigits(
        ThreadLocalRandom.current().nextInt()) + "@localhost");
    env.put("RABBITMQ_MNESIA_BASE", path("rabbit/mnesia"));
    env.put("RABBITMQ_LOG_BASE", path("rabbit/log"));
    env.put("RABBITMQ_CONFIG_FILE", path("rabbit/rabbitmq.conf"));
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", path("rabbit/enabled_plugins"));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(ports.rabbitDist()));
    env.put("RABBITMQ_PID_FILE", path("rabbit/rabbit.pid"));
    launch(new Service("rabbitmq", List.of(RABBIT), env));
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

  /** Registers image, placement, compute and network in the catalog; returns the token. */
  private String registerCatalog() throws IOException, InterruptedException {
    String token = adminToken();
    String h = "http://" + OpenStackConfigs.HOST + ":";
    String[][] catalog = {
      {"image", "glance", h + ports.glance()},
      {"placement", "placement", h + ports.placement()},
      {"compute", "nova", h + ports.nova() + "/v2.1"},
      {"network", "neutron", h + ports.neutron()}};
    for (String[] s : catalog) {
      JsonNode created = post("/services", token, "{\"service\":{\"type\":\"" + s[0]
          + "\",\"name\":\"" + s[1] + "\",\"enabled\":true}}");
      String id = created.at("/service/id").asText();
      for (String iface : List.of("public", "internal")) {
        post("/endpoints", token, "{\"endpoint\":{\"service_id\":\"" + id
            + "\",\"interface\":\"" + iface + "\",\"url\":\"" + s[2]
            + "\",\"region_id\":\"RegionOne\"}}");
      }
    }
    return token;
  }

  /**
   * A fresh client for each request: the wsgiref servers of Keystone and Placement close every
   * connection after one answer, and a pooled connection would be reused after that close.
   */
  private static HttpClient http() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private String adminToken() throws IOException, InterruptedException {
    String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{"
        + "\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"" + PASSWORD
        + "\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"}}}}}";
    HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(keystoneUrl()
        + "/auth/tokens")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
        throw new IOException("keystone refused the admin login: " + r.statusCode());
    }
    return r.headers().firstValue("X-Subject-Token").orElseThrow();
  }

  private JsonNode post(String path, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(keystoneUrl() + path))
        .header("Content-Type", "application/json").header("X-Auth-Token", token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("keystone POST " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private JsonNode get(String url, String token, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
        .timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
  }

  /** One agent state report, retried while neutron's RPC server is not consuming yet. */
  private void registerAgent() throws IOException, InterruptedException {
    IOException last = null;
    for (int i = 0; i < 6; i++) {
      try {
        run("report-agent", List.of(PY, path("bin/report_agent.py"),
            path("neutron/neutron.conf"), OpenStackConfigs.COMPUTE_HOST), Duration.ofSeconds(90));
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }

  /** Until the compute host is mapped to cell1, up, and in Placement. */
  private void waitComputeHost(String token) throws IOException, InterruptedException {
    long end = System.nanoTime() + READY.toNanos();
    long discoverAt = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    boolean discovered = false;
    while (System.nanoTime() < end) {
      JsonNode hv = get(novaUrl() + "/os-hypervisors/detail", token);
      boolean up = false;
      for (JsonNode h : hv.path("hypervisors")) {
        up |= "up".equals(h.path("state").asText());
      }
      if (up) {
        JsonNode rp = get("http://127.0.0.1:" + ports.placement() + "/resource_providers", token,
            "OpenStack-API-Version", "placement 1.0");
        if (rp.path("resource_providers").size() > 0) {
          step("compute host " + OpenStackConfigs.COMPUTE_HOST + " up and in placement");
          return;
        }
      }
      if (!discovered && System.nanoTime() > discoverAt) {
        // the scheduler maps new hosts every 2 s; map it by hand too if that is slow
        discovered = true;
        run("nova-manage", List.of("/bin/sh", "-c", novaManage("cell_v2 discover_hosts")),
            Duration.ofSeconds(60));
      }
      Thread.sleep(500);
    }
    throw new IOException("the compute host " + OpenStackConfigs.COMPUTE_HOST
        + " never came up in nova and placement; see log/nova-compute.log");
  }

  // ------------------------------------------------------------------ processes

  private Service launch(Service s) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("setsid"));
    cmd.addAll(s.command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/" + s.name + ".log")
            .toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(s.env);
    s.process = pb.start();
    services.put(s.name, s);
    return s;
  }

  private Process runAsync(String name, List<String> cmd) throws IOException {
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/" + name + ".log")
            .toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
  }

  private void run(String name, List<String> cmd, Duration bound)
      throws IOException, InterruptedException {
    awaitExit(runAsync(name, cmd), bound);
  }

  private void awaitExit(Process p, Duration bound) throws IOException, InterruptedException {
    String what = String.join(" ", p.info().arguments().map(List::of).orElse(List.of()))
        .replace(PASSWORD, "***");
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
  private void awaitListening(Service s, int port) throws IOException {
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
  private void waitHttp(Service s, String url, int port) throws IOException {
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

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** TERM to the process's group and descendants, KILL after {@code grace}. */
  private static void stopProcess(Process p, Duration grace) {
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

  /** Stops every service, newest first, and removes the private dir (kept after a failed
   * start, for its logs). */
  public synchronized void stop() {
    stopServices();
    if (!failed) {
      LocalProcesses.deleteTree(dir);
    }
  }

  private synchronized void stopServices() {
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
