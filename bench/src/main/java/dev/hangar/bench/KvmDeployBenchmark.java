package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.kvm.KvmInspection;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Deploying 200 apps on the libvirt test driver (DESIGN's budget: within 1.5× of a bare loop
 * doing only the work any driver must do for them). One op = 200 deploys, sent the way the
 * orchestrator sends them: 16 in flight at once, one app each.
 *
 * <ul>
 *   <li>{@code bareLoop} (baseline): per app, libvirt-java {@code domainDefineXML} of the same
 *       domain the driver defines (test domain type, 256 MiB, 1 vCPU, direct kernel boot, one
 *       ethernet vNIC with a {@code hg…} target dev, Hangar metadata), one OVSDB transaction
 *       inserting the same parked Port+Interface rows through Hangar's public OVSDB client, and
 *       {@code create()}.
 *   <li>{@code throughDriver}: the same 200 apps as Deploy requests (one deployApp each, path
 *       {@code KVM VM From Kernel}, NIC Count 1, Wait for IP False, no management network)
 *       through {@link CloudProviderDriver} with the KVM backend.
 *   <li>{@code paired}: both of the above in one op, back to back, which prints per fork the
 *       ratio of each measured iteration (see {@link #paired}).
 * </ul>
 *
 * <p>Each iteration gets a fresh hypervisor: a node file of its own ({@code test:///…/node.xml};
 * test-driver state lives per connection) and a fresh private ovsdb-server with bridge br-int,
 * and, as the bare loop opens a libvirt connection per iteration, the driver a KVM backend of
 * its own. Connections are made before the timed op in both methods (the bare loop opens them in
 * setup; the driver is warmed with get_inventory), so the op measures deploys against live
 * connections, as a long-running host serves them. After every op, outside the timed part,
 * every response must be a success, the 200 domains must be running (read on the connection
 * that made them) and the 200 ports must exist parked on VLAN 4095, or the iteration throws.
 *
 * <p>Warm-up is long: 50 iterations (10 000 deploys). Most of the driver's methods run once per
 * deploy, so they reach C2 only after about 5 000 calls (HotSpot's Tier4InvocationThreshold)
 * and settle after about 40 iterations (the driver from ~1 200 to ~140 ms; the bare loop, with
 * far less Java, from ~650 to ~120 ms after about 10). With 15 warm-ups the driver measured
 * 1.55-1.7× the bare loop: the JIT, not the driver. A host serves deploys for months, so the
 * steady state is the figure.
 *
 * <p>Run: {@code bench/run KvmDeployBenchmark} (about 5 minutes; {@code -f 1 -wi 5 -i 3} for a
 * quick look, which measures the JIT).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 50, batchSize = 1)
@Measurement(iterations = 6, batchSize = 1)
@Fork(2)
public class KvmDeployBenchmark {
  static final int APPS = 200;
  static final int IN_FLIGHT = 16;
  static final String BRIDGE = "br-int";
  static final String PATH_KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  static final String KERNEL = "/boot/vmlinuz";
  static final String INITRD = "/boot/initrd.img";
  static final String CMDLINE = "console=ttyS0";
  static final int RAM_MIB = 256;
  static final int VCPUS = 1;
  static final Duration OVSDB_TIMEOUT = Duration.ofSeconds(10);
  private static final WireCodec CODEC = WireCodec.standard();

  // ---------------------------------------------------------------------------------------------
  // The two ways to deploy the same 200 apps.

  @Benchmark
  public int bareLoop(Bare s) throws Exception {
    return inFlight(s.pool, i -> s.deployOne(i));
  }

  @Benchmark
  public int throughDriver(ThroughDriver s) throws Exception {
    return inFlight(s.pool, i -> s.responses[i] = s.driver.deploy(s.context, s.requests.get(i),
        CancellationContext.NONE));
  }

  /**
   * Both loops in one op, back to back, the order swapped every iteration: each measured
   * iteration gives a ratio taken under the same conditions. On this shared 2-core VM, forks
   * minutes apart differ by up to 1.5× in everything they run, libvirt's C code included; the
   * two methods above run in different forks, so their ratio carries that drift.
   * {@link DeployPairs} prints the paired figures when the fork ends.
   */
  @Benchmark
  public int paired(Bare bare, ThroughDriver driver, DeployPairs pairs) throws Exception {
    long bareNanos;
    long driverNanos;
    if (pairs.bareFirst()) {
      long t0 = System.nanoTime();
      bareLoop(bare);
      long t1 = System.nanoTime();
      throughDriver(driver);
      bareNanos = t1 - t0;
      driverNanos = System.nanoTime() - t1;
    } else {
      long t0 = System.nanoTime();
      throughDriver(driver);
      long t1 = System.nanoTime();
      bareLoop(bare);
      driverNanos = t1 - t0;
      bareNanos = System.nanoTime() - t1;
    }
    pairs.add(bareNanos, driverNanos);
    return 2 * APPS;
  }

  /** One deploy. */
  interface Task {
    void run(int app) throws Exception;
  }

  /** Runs the 200 deploys on the pool, 16 at a time; throws the first failure after all ended. */
  static int inFlight(ExecutorService pool, Task task) throws Exception {
    List<Future<?>> futures = new ArrayList<>(APPS);
    for (int i = 0; i < APPS; i++) {
      int app = i;
      futures.add(pool.submit(() -> {
        task.run(app);
        return null;
      }));
    }
    Exception first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Exception cause = e.getCause() instanceof Exception x ? x : e;
        if (first == null) {
          first = cause;
        } else if (first.getSuppressed().length < 5) {
          first.addSuppressed(cause);
        }
      }
    }
    if (first != null) {
      throw new IllegalStateException("a deploy failed: " + first, first);
    }
    return APPS;
  }

  // ---------------------------------------------------------------------------------------------
  // The baseline: libvirt-java and the OVSDB client directly.

  @State(Scope.Benchmark)
  public static class Bare {
    ExecutorService pool;
    OvsdbConnector connector;
    DeployHost host;
    Connect libvirt;
    OvsdbSession session;
    String sandbox;
    final List<App> apps = new ArrayList<>();

    /** One app: what a driver knows before it deploys (name, uuid, MAC, tap name). */
    record App(String name, UUID uuid, String mac, String device) {}

    @Setup(Level.Trial)
    public void trial() throws LibvirtException {
      LibvirtProbe.silenceLibvirtStderr();
      pool = fixedPool("bare");
      connector = OvsdbConnectors.standard();
    }

    @Setup(Level.Iteration)
    public void iteration() throws IOException, LibvirtException {
      host = new DeployHost("bare");
      libvirt = new Connect(host.uri);
      session = connector.open(host.ovsdb.tcpEndpoint(), OVSDB_TIMEOUT);
      if (!session.bridgeExists(BRIDGE)) {
        throw new IllegalStateException("no " + BRIDGE + " on " + session.describe());
      }
      sandbox = "bench-" + host.label;
      apps.clear();
      for (int i = 0; i < APPS; i++) {
        UUID uuid = UUID.nameUUIDFromBytes(("hangar/" + sandbox + "/deploy-" + i)
            .getBytes(StandardCharsets.UTF_8));
        String hex = uuid.toString().replace("-", "");
        apps.add(new App(appName(i) + "-" + hex.substring(0, 8), uuid, randomMac(),
            "hg" + hex.substring(0, 10) + "0"));
      }
    }

    /** Define, insert the parked port, start: the order the driver uses. */
    void deployOne(int i) throws LibvirtException {
      App a = apps.get(i);
      Domain d = libvirt.domainDefineXML(domainXml(a, sandbox, "deploy-" + i));
      session.apply(BRIDGE, PortChanges.insert(List.of(parkedPort(a, sandbox))));
      d.create();
      d.free();
    }

    @TearDown(Level.Iteration)
    public void verifyAndClose() throws Exception {
      try {
        Set<String> running = new HashSet<>();
        for (int id : libvirt.listDomains()) {
          Domain d = libvirt.domainLookupByID(id);
          running.add(d.getUUIDString());
          d.free();
        }
        Set<String> expected = new HashSet<>();
        Set<String> ports = new TreeSet<>();
        for (App a : apps) {
          expected.add(a.uuid().toString());
          ports.add(a.device());
        }
        if (!running.equals(expected)) {
          throw new IllegalStateException("bareLoop: " + running.size() + " domains running, "
              + "expected the " + APPS + " deployed ones");
        }
        host.verifyPorts("bareLoop", ports, sandbox);
      } finally {
        session.close();
        libvirt.close();
        host.close();
      }
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
      pool.shutdownNow();
      connector.close();
    }
  }

  /** The same XML DomainXml writes for a KVM VM From Kernel app with one OVS vNIC. */
  static String domainXml(Bare.App a, String sandbox, String actionId) {
    String ns = "https://hangar.dev/xmlns/vm/1";
    return "<domain type=\"test\"><name>" + a.name() + "</name><uuid>" + a.uuid() + "</uuid>"
        + "<metadata><hangar:vm xmlns:hangar=\"" + ns + "\"><hangar:sandbox>" + sandbox
        + "</hangar:sandbox><hangar:app>" + a.name().substring(0, a.name().lastIndexOf('-'))
        + "</hangar:app><hangar:deploymentPath>KVM VM From Kernel</hangar:deploymentPath>"
        + "<hangar:actionId>" + actionId + "</hangar:actionId><hangar:template></hangar:template>"
        + "<hangar:ovsBridge>" + BRIDGE + "</hangar:ovsBridge></hangar:vm></metadata>"
        + "<memory unit=\"MiB\">" + RAM_MIB + "</memory><vcpu>" + VCPUS + "</vcpu>"
        + "<os><type>hvm</type><kernel>" + KERNEL + "</kernel><initrd>" + INITRD + "</initrd>"
        + "<cmdline>" + CMDLINE + "</cmdline></os>"
        + "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
        + "<on_crash>destroy</on_crash><devices><interface type=\"ethernet\"><mac address=\""
        + a.mac() + "\"/><target dev=\"" + a.device() + "\"/><model type=\"virtio\"/>"
        + "</interface><serial type=\"pty\"/><console type=\"pty\"/></devices></domain>";
  }

  /** The row OvsPorts.parked makes: tag 4095, the VM's external ids on the Interface. */
  static OvsPort parkedPort(Bare.App a, String sandbox) {
    String vm = a.uuid().toString();
    return new OvsPort(a.device(), PortVlan.parked(), Map.of("iface-id", vm + "-0",
        "attached-mac", a.mac(), "vm-id", vm, "hangar-sandbox", sandbox));
  }

  static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("52:54:00:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256),
        r.nextInt(256));
  }

  // ---------------------------------------------------------------------------------------------
  // Through the driver, as the orchestrator calls it.

  @State(Scope.Benchmark)
  public static class ThroughDriver {
    ExecutorService pool;
    KvmBackendProvider provider;
    BackendRegistry backends;
    CloudProviderDriver driver;
    DeployHost host;
    Map<String, String> attributes;
    ResourceCommandContext context;
    String sandbox;
    final List<String> requests = new ArrayList<>();
    String[] responses;

    @Setup(Level.Trial)
    public void trial() {
      pool = fixedPool("driver");
    }

    @Setup(Level.Iteration)
    public void iteration() throws IOException {
      // A backend per iteration, as the bare loop opens a connection per iteration: the
      // hypervisor of each iteration is a new URI, and a backend keeps its connections.
      provider = new KvmBackendProvider();
      backends = BackendRegistry.empty().register(provider);
      driver = new CloudProviderDriver(backends, c -> RecordingOrchestratorApi.silent());
      host = new DeployHost("driver");
      sandbox = "bench-" + host.label;
      attributes = new LinkedHashMap<>();
      attributes.put("Hangar Cloud Provider.Cloud Type", "KVM");
      attributes.put("Hangar Cloud Provider.Networking type", "L2");
      attributes.put("Hangar Cloud Provider.Hypervisors", host.uri);
      attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
      attributes.put("Hangar Cloud Provider.OVSDB Remote", host.ovsdb.tcpRemote());
      attributes.put("Hangar Cloud Provider.Storage Pool", "hangar-pool");
      attributes.put("Hangar Cloud Provider.Management Network", "");
      context = CODEC.read("{" + common(attributes) + ",\"reservation\":{\"reservation_id\":"
          + CODEC.write(sandbox) + "}}", ResourceCommandContext.class);
      // get_inventory connects to the new hypervisor and OVSDB (and checks pool and bridge), so
      // the timed deploys find live connections, as the bare loop does.
      driver.getInventory(CODEC.read("{" + common(attributes) + "}",
          AutoLoadCommandContext.class));
      requests.clear();
      for (int i = 0; i < APPS; i++) {
        requests.add("{\"driverRequest\":{\"actions\":[" + deployApp("deploy-" + i, appName(i))
            + "]}}");
      }
      responses = new String[APPS];
    }

    @TearDown(Level.Iteration)
    public void verifyAndClose() throws IOException, LibvirtException {
      try {
        Set<String> uuids = new HashSet<>();
        Set<String> ports = new TreeSet<>();
        for (int i = 0; i < APPS; i++) {
          if (responses[i] == null) {
            throw new IllegalStateException("throughDriver: no response for app " + i);
          }
          JsonNode r = CODEC.readTree(responses[i], "response").path("driverResponse")
              .path("actionResults").path(0);
          if (!r.path("success").asBoolean(false)) {
            throw new IllegalStateException("throughDriver: deploy of " + appName(i)
                + " failed: " + responses[i]);
          }
          String uuid = r.path("vmUuid").asText();
          uuids.add(uuid);
          ports.add("hg" + uuid.replace("-", "").substring(0, 10) + "0");
        }
        // The same check as the bare loop's, on the backend's own connection (test-driver state
        // is per connection), not through the driver: 200 GetVmDetails here would run the
        // driver's code with other data between timed ops and unsettle the JIT's profile of it.
        Set<String> running = KvmInspection.of(provider, host.uri).runningUuids();
        if (uuids.size() != APPS || !running.equals(uuids)) {
          throw new IllegalStateException("throughDriver: " + uuids.size() + " distinct VMs for "
              + APPS + " deploys, " + running.size() + " domains running");
        }
        host.verifyPorts("throughDriver", ports, sandbox);
      } finally {
        backends.close();
        host.close();
      }
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
      pool.shutdownNow();
    }
  }

  /** The connectivity and resource parts of a context (as Contexts does in the driver tests). */
  static String common(Map<String, String> attributes) {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":"
        + "\"token-0123456789\"},\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\","
        + "\"model\":\"Hangar Cloud Provider\",\"attributes\":" + CODEC.write(attributes) + "}";
  }

  /** One deployApp action as the orchestrator sends it (samples/requests/deploy-kvm-kernel). */
  static String deployApp(String actionId, String app) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Kernel", KERNEL);
    attrs.put("Initrd", INITRD);
    attrs.put("Kernel Cmdline", CMDLINE);
    attrs.put("CPU", Integer.toString(VCPUS));
    attrs.put("RAM", Integer.toString(RAM_MIB));
    attrs.put("NIC Count", "1");
    attrs.put("Wait for IP", "False");
    attrs.put("Autogenerated Name", "True");
    List<Map<String, String>> list = new ArrayList<>();
    attrs.forEach((k, v) -> list.add(Map.of("attributeName", PATH_KERNEL + "." + k,
        "attributeValue", v, "type", "attribute")));
    return CODEC.write(Map.of("type", "deployApp", "actionId", actionId, "actionParams",
        Map.of("type", "deployAppParams", "appName", app, "deployment",
            Map.of("type", "deployAppDeploymentInfo", "deploymentPath", PATH_KERNEL,
                "attributes", list),
            "appResource", Map.of("type", "appResourceInfo", "attributes", List.of()))));
  }

  static String appName(int i) {
    return String.format("app-%03d", i);
  }

  static ExecutorService fixedPool(String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(IN_FLIGHT, r -> {
      Thread t = new Thread(r, "bench-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
