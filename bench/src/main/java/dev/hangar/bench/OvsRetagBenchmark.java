package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Re-tagging every port of one host (500 and 1000 ports on br-int) from parked to an access
 * VLAN, four ways, measured in one run (the L2 issue's benchmark; its goal: at least 100× faster
 * than one {@code ovs-vsctl} per port, within 2× of one raw {@code ovsdb-client transact}).
 *
 * <ul>
 *   <li>{@code rawTransact} (baseline): ONE {@code ovsdb-client transact unix:<db.sock> '<json>'}
 *       process whose transaction holds one {@code update} of table Port per port
 *       ({@code where name == X}). The JSON is built before the timed op.
 *   <li>{@code hangarSession}: Hangar's OVSDB client, one warm {@link OvsdbSession}:
 *       {@code apply(br-int, PortChanges)} with an access VLAN per port name, the one transaction
 *       per host the driver writes.
 *   <li>{@code throughDriver}: one ApplyConnectivityChanges request with a setVlan (Access) per
 *       VM, through {@link CloudProviderDriver} with the KVM backend, on N VMs (NIC Count 1)
 *       deployed through the driver before the trial on a libvirt test-driver node.
 *   <li>{@code vsctlPerPort}: N {@code ovs-vsctl --no-wait --db=unix:<db.sock> set port X tag=V
 *       protected=false} processes, one after another (slow: one warmup and one measured op).
 * </ul>
 *
 * <p>Every iteration gets a fresh private ovsdb-server holding the N ports on br-int, inserted
 * parked (tag 4095, protected) through Hangar's client, with rows shaped as the driver makes them;
 * each op moves all N to a VLAN no port has yet (10 + a counter), so every op changes every row.
 * For the driver these are its VMs' ports as the deploys inserted them (read back once), and the
 * provider's OVSDB Remote is pointed at the iteration's server, connected by a get_inventory
 * before the timed request.
 * The end state of all four is the same: {@code tag=V}, {@code trunks} and {@code vlan_mode}
 * empty, {@code protected=false}. After every op, outside the timed part, exactly the N ports
 * must carry that (one {@code ovs-vsctl find}), the bridge must still hold exactly N ports, and
 * the raw transaction must have answered {@code count 1} for each update, the driver success for
 * each action, or the iteration throws.
 *
 * <p>The raw transaction writes {@code tag} and {@code protected} only (the columns that change;
 * {@code trunks} and {@code vlan_mode} are already empty): with the two unchanged empty-set columns
 * too, 1000 updates make a 148 KB argument, more than Linux allows for one argument
 * (MAX_ARG_STRLEN, 128 KiB), and ovsdb-client takes the transaction only as an argument. This
 * makes the baseline's request smaller than Hangar's, never larger.
 *
 * <p>Run: {@code bench/run OvsRetagBenchmark -f 1} (about 4 min; the driver deploys 500 and 1000
 * VMs before its two trials, a few seconds each). BenchMain's table keys scores by method only,
 * so it shows the last parameter (1000); JMH's own table above it has both. Needs libvirt0 and
 * Open vSwitch (ovsdb-server, ovsdb-tool, ovsdb-client, ovs-vsctl).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 10, batchSize = 1)
@Fork(1)
public class OvsRetagBenchmark {
  static final String BRIDGE = "br-int";
  static final String PATH_KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  static final Duration OVSDB_TIMEOUT = Duration.ofSeconds(30);
  private static final WireCodec CODEC = WireCodec.standard();
  private static final AtomicInteger OPS = new AtomicInteger();

  /** A VLAN no port has yet: every op really changes every row. */
  static int nextVlan() {
    return 10 + OPS.getAndIncrement() % 4000;
  }

  // ---------------------------------------------------------------------------------------------
  // The four ways to re-tag the same N ports.

  @Benchmark
  public int rawTransact(Ports s) throws Exception {
    Process p = new ProcessBuilder(s.ovsdbClient, "transact", s.db.server.unixRemote(), s.rawJson)
        .redirectErrorStream(true).start();
    s.rawOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    s.rawExit = p.waitFor();
    return s.rawOut.length();
  }

  @Benchmark
  public int hangarSession(Ports s) {
    s.session.apply(BRIDGE, s.retag);
    return s.ports;
  }

  @Benchmark
  public int throughDriver(ThroughDriver s) {
    s.response = s.driver.applyConnectivityChanges(s.context, s.request);
    return s.response.length();
  }

  @Benchmark
  @Warmup(iterations = 1, batchSize = 1)
  @Measurement(iterations = 1, batchSize = 1)
  public int vsctlPerPort(Ports s) throws Exception {
    String db = "--db=" + s.db.server.unixRemote();
    String tag = "tag=" + s.vlan;
    for (String name : s.names) {
      Process p = new ProcessBuilder(s.vsctl, "--no-wait", db, "set", "port", name, tag,
          "protected=false").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("ovs-vsctl set port " + name + " failed: " + out.strip());
      }
    }
    return s.names.size();
  }

  // ---------------------------------------------------------------------------------------------
  // The ports for the OVSDB-only methods.

  @State(Scope.Benchmark)
  public static class Ports {
    @Param({"500", "1000"})
    public int ports;

    String ovsdbClient;
    String vsctl;
    OvsdbConnector connector;
    final List<OvsPort> rows = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    Db db;
    OvsdbSession session;
    int vlan;
    PortChanges retag;
    String rawJson;
    String rawOut;
    int rawExit;

    @Setup(Level.Trial)
    public void trial() {
      ovsdbClient = binary("ovsdb-client");
      vsctl = binary("ovs-vsctl");
      connector = OvsdbConnectors.standard();
      String sandbox = "bench-retag-" + ProcessHandle.current().pid();
      for (int i = 0; i < ports; i++) {
        UUID vm = UUID.nameUUIDFromBytes(("hangar/" + sandbox + "/retag-" + i)
            .getBytes(StandardCharsets.UTF_8));
        String device = "hg" + vm.toString().replace("-", "").substring(0, 10) + "0";
        rows.add(row(vm.toString(), sandbox, device, randomMac()));
        names.add(device);
      }
    }

    @Setup(Level.Iteration)
    public void iteration() throws IOException {
      db = Db.start();
      session = connector.open(db.server.tcpEndpoint(), OVSDB_TIMEOUT);
      session.apply(BRIDGE, PortChanges.insert(rows));
      vlan = nextVlan();
      Map<String, PortVlan> updates = new HashMap<>();
      StringBuilder json = new StringBuilder("[\"Open_vSwitch\"");
      for (String name : names) {
        updates.put(name, PortVlan.access(vlan));
        json.append(",{\"op\":\"update\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"")
            .append(name).append("\"]],\"row\":{\"tag\":").append(vlan)
            .append(",\"protected\":false}}");
      }
      rawJson = json.append(']').toString();
      retag = new PortChanges(List.of(), updates, List.of());
      rawOut = null;
      rawExit = -1;
    }

    @TearDown(Level.Iteration)
    public void verifyAndClose() throws IOException {
      try {
        if (rawOut != null) {
          int ok = rawOut.split("\\{\"count\":1}", -1).length - 1;
          if (rawExit != 0 || rawOut.contains("error") || ok != ports) {
            throw new IllegalStateException("rawTransact: ovsdb-client exited " + rawExit + " with "
                + ok + " of " + ports + " updates counted: "
                + rawOut.substring(0, Math.min(rawOut.length(), 500)));
          }
        }
        db.verify(new TreeSet<>(names), vlan);
      } finally {
        session.close();
        db.close();
      }
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
      connector.close();
    }
  }

  /** The row OvsPorts.port makes for vNIC 0 of a VM, parked. */
  static OvsPort row(String vm, String sandbox, String device, String mac) {
    return new OvsPort(device, PortVlan.parked(), Map.of("iface-id", vm + "-0", "attached-mac",
        mac, "vm-id", vm, "hangar-sandbox", sandbox));
  }

  static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("52:54:00:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256),
        r.nextInt(256));
  }

  // ---------------------------------------------------------------------------------------------
  // Through the driver: N VMs deployed once per trial, their ports on a fresh server per iteration.

  @State(Scope.Benchmark)
  public static class ThroughDriver {
    @Param({"500", "1000"})
    public int ports;

    BackendRegistry backends;
    CloudProviderDriver driver;
    OvsdbConnector connector;
    Path nodeDir;
    String uri;
    String sandbox;
    final Map<String, String> attributes = new LinkedHashMap<>();
    /** What Deploy returned per VM: vmUuid, vmName, deployedAppAdditionalData. */
    final List<JsonNode> vms = new ArrayList<>();
    /** The VMs' port rows as the deploys inserted them (parked). */
    final List<OvsPort> rows = new ArrayList<>();
    Db db;
    ResourceCommandContext context;
    int vlan;
    String request;
    String response;

    @Setup(Level.Trial)
    public void trial() throws Exception {
      LibvirtProbe.silenceLibvirtStderr();
      backends = BackendRegistry.empty().register(new KvmBackendProvider());
      driver = new CloudProviderDriver(backends, c -> RecordingOrchestratorApi.silent());
      connector = OvsdbConnectors.standard();
      nodeDir = Files.createTempDirectory("hangar-bench-retag-");
      Path node = nodeDir.resolve("node.xml");
      Files.writeString(node, DeployHost.nodeXml());
      uri = "test://" + node;
      sandbox = "bench-retag-" + ProcessHandle.current().pid();
      attributes.put("Hangar Cloud Provider.Cloud Type", "KVM");
      attributes.put("Hangar Cloud Provider.Networking type", "L2");
      attributes.put("Hangar Cloud Provider.Hypervisors", uri);
      attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
      attributes.put("Hangar Cloud Provider.Storage Pool", "hangar-pool");
      attributes.put("Hangar Cloud Provider.Management Network", "");
      db = Db.start();
      pointAt(db);
      long t0 = System.nanoTime();
      List<String> requests = new ArrayList<>();
      for (int i = 0; i < ports; i++) {
        requests.add("{\"driverRequest\":{\"actions\":[" + deployApp("deploy-" + i, appName(i))
            + "]}}");
      }
      String[] responses = new String[ports];
      ExecutorService pool = KvmDeployBenchmark.fixedPool("retag-deploy");
      try {
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
          int app = i;
          futures.add(pool.submit(() -> responses[app] = driver.deploy(context,
              requests.get(app), CancellationContext.NONE)));
        }
        for (java.util.concurrent.Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int i = 0; i < ports; i++) {
        JsonNode r = CODEC.readTree(responses[i], "response").path("driverResponse")
            .path("actionResults").path(0);
        if (!r.path("success").asBoolean(false)) {
          throw new IllegalStateException("deploy of " + appName(i) + " failed: " + responses[i]);
        }
        vms.add(r);
      }
      Set<String> ids = new TreeSet<>();
      vms.forEach(v -> ids.add(v.path("vmUuid").asText()));
      try (OvsdbSession s = connector.open(db.server.tcpEndpoint(), OVSDB_TIMEOUT)) {
        for (OvsPort p : s.ports(BRIDGE).values()) {
          if (ids.contains(p.externalIds().get("vm-id"))) {
            rows.add(p);
          }
        }
      }
      if (rows.size() != ports || ids.size() != ports) {
        throw new IllegalStateException(ports + " deploys made " + ids.size() + " VMs with "
            + rows.size() + " ports on " + BRIDGE);
      }
      System.out.printf("(setup: deployed %d VMs through the driver in %.1f s)%n", ports,
          (System.nanoTime() - t0) / 1e9);
      db.close();
      db = null;
    }

    /** The provider as the driver sees it, with OVSDB Remote on {@code d}; connected and warm. */
    private void pointAt(Db d) {
      attributes.put("Hangar Cloud Provider.OVSDB Remote", d.server.tcpRemote());
      context = CODEC.read("{" + KvmDeployBenchmark.common(attributes)
          + ",\"reservation\":{\"reservation_id\":" + CODEC.write(sandbox) + "}}",
          ResourceCommandContext.class);
      // get_inventory connects to the hypervisor and the OVSDB (and checks pool and bridge), so
      // the timed request finds live connections.
      driver.getInventory(CODEC.read("{" + KvmDeployBenchmark.common(attributes) + "}",
          AutoLoadCommandContext.class));
    }

    @Setup(Level.Iteration)
    public void iteration() throws IOException {
      db = Db.start();
      try (OvsdbSession s = connector.open(db.server.tcpEndpoint(), OVSDB_TIMEOUT)) {
        List<OvsPort> parked = new ArrayList<>();
        rows.forEach(p -> parked.add(new OvsPort(p.name(), PortVlan.parked(), p.externalIds())));
        s.apply(BRIDGE, PortChanges.insert(parked));
      }
      pointAt(db);
      vlan = nextVlan();
      List<String> actions = new ArrayList<>();
      for (int i = 0; i < vms.size(); i++) {
        actions.add(CODEC.write(setVlan("retag-" + i, vms.get(i), vlan)));
      }
      request = "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
      response = null;
    }

    @TearDown(Level.Iteration)
    public void verifyAndClose() throws IOException {
      try {
        if (response == null) {
          throw new IllegalStateException("throughDriver: no response");
        }
        JsonNode results = CODEC.readTree(response, "response").path("driverResponse")
            .path("actionResults");
        int ok = 0;
        for (JsonNode r : results) {
          if (!r.path("success").asBoolean(false)) {
            throw new IllegalStateException("throughDriver: setVlan failed: " + r);
          }
          ok++;
        }
        if (ok != ports) {
          throw new IllegalStateException("throughDriver: " + ok + " results for " + ports
              + " setVlan actions");
        }
        Set<String> names = new TreeSet<>();
        rows.forEach(p -> names.add(p.name()));
        db.verify(names, vlan);
      } finally {
        db.close();
        db = null;
      }
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
      if (db != null) {
        db.close();
      }
      backends.close();
      connector.close();
      LocalProcesses.deleteTree(nodeDir);
    }
  }

  /** One deployApp: KVM VM From Kernel, 16 MiB, NIC Count 1, no wait for an IP. */
  static String deployApp(String actionId, String app) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Kernel", KvmDeployBenchmark.KERNEL);
    attrs.put("Initrd", KvmDeployBenchmark.INITRD);
    attrs.put("Kernel Cmdline", KvmDeployBenchmark.CMDLINE);
    attrs.put("CPU", "1");
    attrs.put("RAM", "16");
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

  /** A setVlan (Access) for the VM a Deploy result names, as servers send it (VlanRequests). */
  static Map<String, Object> setVlan(String actionId, JsonNode vm, int vlan) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("type", "setVlanParameter");
    params.put("vlanId", Integer.toString(vlan));
    params.put("mode", "Access");
    params.put("vlanServiceAttributes", List.of(attr("QnQ", "False", "vlanServiceAttribute")));
    List<Map<String, String>> custom = new ArrayList<>();
    custom.add(attr("VM_UUID", vm.path("vmUuid").asText(), "customAttribute"));
    vm.path("deployedAppAdditionalData").fields().forEachRemaining(e -> custom.add(
        attr(e.getKey(), e.getValue().asText(), "customAttribute")));
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", "setVlan");
    a.put("actionId", actionId);
    a.put("connectionId", "conn-" + actionId);
    a.put("connectionParams", params);
    a.put("connectorAttributes", List.of());
    a.put("actionTarget", Map.of("type", "actionTarget", "fullName", vm.path("vmName").asText(),
        "fullAddress", "NA"));
    a.put("customActionAttributes", custom);
    return a;
  }

  private static Map<String, String> attr(String name, String value, String type) {
    return Map.of("attributeName", name, "attributeValue", value, "type", type);
  }

  static String appName(int i) {
    return String.format("app-%04d", i);
  }

  static String binary(String name) {
    String path = LocalProcesses.find(name);
    if (path != null) {
      return path;
    }
    throw new IllegalStateException(name + " is not installed (apt-get install"
        + " openvswitch-switch)");
  }

  // ---------------------------------------------------------------------------------------------
  // A fresh private ovsdb-server with br-int.

  static final class Db implements AutoCloseable {
    /** Servers not closed yet: a fork that dies mid-iteration still stops them. */
    private static final Set<Db> OPEN = ConcurrentHashMap.newKeySet();

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Db::close),
          "bench-retag-cleanup"));
    }

    final PrivateOvsdbServer server;

    private Db(PrivateOvsdbServer server) {
      this.server = server;
    }

    static Db start() throws IOException {
      Db d = new Db(PrivateOvsdbServer.start(BRIDGE));
      OPEN.add(d);
      return d;
    }

    /** Exactly {@code expected} on the bridge, each on access VLAN {@code vlan}. */
    void verify(Set<String> expected, int vlan) throws IOException {
      Set<String> onBridge = new TreeSet<>(server.vsctlNames("list-ports", BRIDGE));
      Set<String> tagged = new TreeSet<>(server.vsctlNames("--bare", "--columns=name", "find",
          "Port", "tag=" + vlan, "protected=false", "trunks=[]", "vlan_mode=[]"));
      if (!onBridge.equals(expected) || !tagged.equals(expected)) {
        throw new IllegalStateException("expected " + expected.size() + " ports on " + BRIDGE
            + ", all on access VLAN " + vlan + "; found " + onBridge.size() + " on the bridge, "
            + tagged.size() + " on VLAN " + vlan);
      }
    }


    @Override
    public void close() {
      OPEN.remove(this);
      server.close();
    }
  }
}
