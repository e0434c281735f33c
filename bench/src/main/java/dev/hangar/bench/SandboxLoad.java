package dev.hangar.bench;

import static dev.hangar.bench.SandboxRequests.appRequest;
import static dev.hangar.bench.SandboxRequests.deployRequest;
import static dev.hangar.bench.SandboxRequests.deployedApp;
import static dev.hangar.bench.SandboxRequests.detailsRequest;
import static dev.hangar.bench.SandboxRequests.request;
import static dev.hangar.bench.SandboxRequests.vlanAction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.kvm.KvmInspection;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole sandboxes through one sandbox host, as an orchestrator runs them: {@code sandboxes}
 * sandboxes of {@code apps} apps, {@code parallel} sandboxes at a time. Each sandbox deploys all
 * its apps at once (one Deploy per app; half from a template, half by direct kernel boot),
 * connects them to its own VLAN (one ApplyConnectivityChanges), then per app, in parallel,
 * PowerOn, remote_refresh_ip and GetVmDetails; teardown disconnects them (one removeVlan
 * request), then per app PowerOff and DeleteInstance.
 *
 * <p>Everything is real but the hypervisor: the gRPC host over Netty on loopback with its bearer
 * token, the orchestrator's callback server (refresh IP reports through it), a private
 * ovsdb-server, and the KVM backend on a libvirt test-driver host (a node file with a storage
 * pool holding the template and a management network). Afterwards no domain, volume (but the
 * template) or OVS port may be left. Per command: count, failures, p50/p99/max as the client saw
 * them; throughput; the heap (peak sampled, and after a GC) and the resident set of this JVM,
 * which is the host's.
 *
 * <p>Run: {@code bench/load [SANDBOXES APPS PARALLEL]} (default 50 10 5); exits 1 on any failed
 * command or anything left behind. SandboxLoadTest runs it at 5×10 in CI.
 */
public final class SandboxLoad implements AutoCloseable {
  static final String PATH_KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  static final String PATH_TEMPLATE = "Hangar Cloud Provider.KVM VM From Template";
  static final String POOL = "hangar-pool";
  static final String TEMPLATE = "tmpl.qcow2";
  static final String BRIDGE = "br-int";
  private static final String HOST_TOKEN = "load-host-token-7c1f0e9d8b2a4635";
  private static final String API_TOKEN = "load-api-token-2b9d7e61c0a4f853";
  private static final WireCodec CODEC = WireCodec.standard();
  private static final ObjectMapper JSON = CODEC.mapper();

  /** The shape of a run. */
  public record Config(int sandboxes, int apps, int parallel) {
    public Config {
      if (sandboxes < 1 || apps < 1 || parallel < 1 || sandboxes > 4000) {
        throw new IllegalArgumentException("sandboxes 1..4000, apps and parallel at least 1");
      }
    }
  }

  private final Path dir;
  private final String uri;
  private final PrivateOvsdbServer ovsdb;
  private final KvmBackendProvider provider = new KvmBackendProvider();
  private final BackendRegistry backends;
  private final SandboxHost host;
  private final HostClient client;
  private final CallbackServer callbacks;
  private final RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
  private final Map<String, String> attributes = new LinkedHashMap<>();
  private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  /** The orchestrator's threads: one per command in flight. */
  private final ExecutorService calls = Executors.newCachedThreadPool();

  /** Starts the environment: hypervisor, ovsdb-server, the host, the callback server. */
  public SandboxLoad() throws Exception {
    LibvirtProbe.silenceLibvirtStderr();
    dir = Files.createTempDirectory("hangar-load-");
    Path node = dir.resolve("node.xml");
    Files.writeString(node, nodeXml());
    uri = "test://" + node;
    PrivateOvsdbServer started = null;
    try {
      started = PrivateOvsdbServer.start(BRIDGE);
      ovsdb = started;
      backends = BackendRegistry.empty().register(provider);
      BearerToken token = new BearerToken(HOST_TOKEN);
      host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token), backends);
      client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
      callbacks = CallbackServer.start(new HostPort("127.0.0.1", 0), api);
    } catch (Exception e) {
      if (started != null) {
        started.close();
      }
      LocalProcesses.deleteTree(dir);
      throw e;
    }
    attributes.put("Hangar Cloud Provider.Cloud Type", "KVM");
    attributes.put("Hangar Cloud Provider.Networking type", "L2");
    attributes.put("Hangar Cloud Provider.Hypervisors", uri);
    attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
    attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    attributes.put("Hangar Cloud Provider.Storage Pool", POOL);
    attributes.put("Hangar Cloud Provider.Management Network", "mgmt");
  }

  /** A host with room for thousands of small VMs, a template and a DHCP network. */
  static String nodeXml() {
    return """
        <node>
          <cpu><nodes>1</nodes><sockets>4</sockets><cores>16</cores><threads>1</threads>
            <active>64</active><mhz>2000</mhz><model>x86_64</model></cpu>
          <memory>1073741824</memory>
          <network>
            <name>mgmt</name>
            <bridge name='virbr9'/>
            <ip address='10.9.0.1' netmask='255.255.0.0'>
              <dhcp><range start='10.9.0.2' end='10.9.255.254'/></dhcp>
            </ip>
          </network>
          <pool type='dir'>
            <name>hangar-pool</name>
            <target><path>/hangar-pool</path></target>
            <volume><name>tmpl.qcow2</name><capacity unit='G'>2</capacity>
              <target><format type='qcow2'/></target></volume>
          </pool>
        </node>
        """;
  }

  /** Runs the load; the report says what happened and what was left. */
  public SandboxLoadReport run(Config config) throws Exception {
    // First contact (libvirt, OVSDB) outside the measured part, as a running host has it.
    call("get_inventory", Command.GET_INVENTORY, autoloadContext(), null);
    latencies.clear();
    failed.clear();
    failures.clear();
    MemorySampler memory = new MemorySampler();
    Thread sampler = new Thread(memory, "load-memory");
    sampler.setDaemon(true);
    sampler.start();
    ExecutorService sandboxes = Executors.newFixedThreadPool(config.parallel());
    long start = System.nanoTime();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int s = 0; s < config.sandboxes(); s++) {
        int sandbox = s;
        all.add(sandboxes.submit(() -> {
          sandbox(sandbox, config.apps());
          return null;
        }));
      }
      for (Future<?> f : all) {
        try {
          f.get();
        } catch (ExecutionException e) {
          failures.add("sandbox: " + e.getCause());
        }
      }
    } finally {
      sandboxes.shutdownNow();
      memory.stop();
      sampler.join();
    }
    long wall = System.nanoTime() - start;
    System.gc();
    long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    KvmInspection libvirt = KvmInspection.of(provider, uri);
    List<String> volumes = new ArrayList<>(libvirt.volumes(POOL));
    volumes.remove(TEMPLATE);
    return new SandboxLoadReport(config, wall, stats(), List.copyOf(failures), memory.peak(),
        heapAfterGc, procStatus("VmHWM"), procStatus("VmRSS"), libvirt.domains(), volumes,
        ovsdb.vsctlNames("list-ports", BRIDGE),
        // The bridge's own interface is the one row that stays.
        ovsdb.vsctlNames("--bare", "--columns=name", "list", "interface").stream()
            .filter(n -> !n.equals(BRIDGE)).toList());
  }

  // -----------------------------------------------------------------------------------------
  // One sandbox, as the orchestrator's setup and teardown run it.

  private void sandbox(int index, int apps) throws Exception {
    String reservation = String.format("load-%04d", index);
    int vlan = 100 + index % 3900;
    List<Callable<SandboxApp>> deploys = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      String name = "app" + a;
      String path = a % 2 == 0 ? PATH_TEMPLATE : PATH_KERNEL;
      String actionId = reservation + "-deploy-" + a;
      deploys.add(() -> {
        JsonNode r = action("Deploy", call("Deploy", Command.DEPLOY, resourceContext(reservation),
            deployRequest(actionId, name, path)));
        return r == null ? null : new SandboxApp(name, path, r);
      });
    }
    List<SandboxApp> deployed = inParallel(deploys).stream().filter(a -> a != null).toList();

    // Connect every app to the sandbox's VLAN in one request, as the orchestrator does.
    Map<String, String> macs = new LinkedHashMap<>();
    ArrayNode set = JSON.createArrayNode();
    for (SandboxApp a : deployed) {
      set.add(vlanAction("setVlan", reservation + "-set-" + a.name(), a, vlan, null));
    }
    if (!deployed.isEmpty()) {
      JsonNode results = results("ApplyConnectivityChanges/setVlan", call(
          "ApplyConnectivityChanges/setVlan", Command.APPLY_CONNECTIVITY_CHANGES,
          resourceContext(reservation), request(set)), deployed.size());
      for (int i = 0; results != null && i < deployed.size(); i++) {
        macs.put(deployed.get(i).name(), results.get(i).path("updatedInterface").asText());
      }
    }

    List<Callable<Void>> perApp = new ArrayList<>();
    for (SandboxApp a : deployed) {
      perApp.add(() -> {
        ObjectNode remote = remoteContext(reservation, a);
        call("PowerOn", Command.POWER_ON, remote, null);
        call("remote_refresh_ip", Command.REMOTE_REFRESH_IP, remote, null);
        JsonNode details = json("GetVmDetails", call("GetVmDetails", Command.GET_VM_DETAILS,
            resourceContext(reservation), detailsRequest(a)));
        if (details != null && !details.path(0).path("errorMessage").asText("").isEmpty()) {
          fail("GetVmDetails", details.path(0).path("errorMessage").asText());
        }
        return null;
      });
    }
    inParallel(perApp);

    // Teardown: disconnect, then power off and delete every app.
    ArrayNode remove = JSON.createArrayNode();
    for (SandboxApp a : deployed) {
      remove.add(vlanAction("removeVlan", reservation + "-remove-" + a.name(), a, vlan,
          macs.get(a.name())));
    }
    if (!deployed.isEmpty()) {
      results("ApplyConnectivityChanges/removeVlan", call("ApplyConnectivityChanges/removeVlan",
          Command.APPLY_CONNECTIVITY_CHANGES, resourceContext(reservation), request(remove)),
          deployed.size());
    }
    List<Callable<Void>> delete = new ArrayList<>();
    for (SandboxApp a : deployed) {
      delete.add(() -> {
        ObjectNode remote = remoteContext(reservation, a);
        call("PowerOff", Command.POWER_OFF, remote, null);
        call("DeleteInstance", Command.DELETE_INSTANCE, remote, null);
        return null;
      });
    }
    inParallel(delete);
  }

  private <T> List<T> inParallel(List<Callable<T>> tasks) throws InterruptedException {
    List<T> out = new ArrayList<>();
    for (Future<T> f : calls.invokeAll(tasks)) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        fail("orchestrator", String.valueOf(e.getCause()));
      }
    }
    return out;
  }

  /** One timed call through the host; null (and a recorded failure) when it raised. */
  private String call(String label, Command command, JsonNode context, String request) {
    long t0 = System.nanoTime();
    try {
      return client.call(command, context, request, Duration.ofMinutes(5));
    } catch (StatusRuntimeException e) {
      fail(label, e.getStatus().toString());
      return null;
    } finally {
      latencies.computeIfAbsent(label, k -> Collections.synchronizedList(new ArrayList<>()))
          .add(System.nanoTime() - t0);
    }
  }

  private JsonNode json(String label, String response) {
    if (response == null) {
      return null;
    }
    try {
      return CODEC.readTree(response, "response");
    } catch (RuntimeException e) {
      fail(label, "unreadable response: " + e.getMessage());
      return null;
    }
  }

  /** The first action result, or null (a recorded failure) when it did not succeed. */
  private JsonNode action(String label, String response) {
    JsonNode r = results(label, response, 1);
    return r == null ? null : r.get(0);
  }

  /** The action results when all {@code expected} succeeded, else null (failures recorded). */
  private JsonNode results(String label, String response, int expected) {
    JsonNode root = json(label, response);
    if (root == null) {
      return null;
    }
    JsonNode results = root.path("driverResponse").path("actionResults");
    boolean ok = results.size() == expected;
    for (JsonNode r : results) {
      if (!r.path("success").asBoolean(false)) {
        ok = false;
        fail(label, r.path("actionId").asText() + ": " + r.path("errorMessage").asText());
      }
    }
    if (results.size() != expected) {
      fail(label, results.size() + " results for " + expected + " actions");
    }
    return ok ? results : null;
  }

  private void fail(String label, String why) {
    failed.computeIfAbsent(label, k -> new AtomicLong()).incrementAndGet();
    failures.add(label + ": " + why);
  }

  private List<SandboxLoadReport.CommandStats> stats() {
    List<String> order = List.of("Deploy", "ApplyConnectivityChanges/setVlan", "PowerOn",
        "remote_refresh_ip", "GetVmDetails", "ApplyConnectivityChanges/removeVlan", "PowerOff",
        "DeleteInstance");
    List<SandboxLoadReport.CommandStats> out = new ArrayList<>();
    for (String c : order) {
      List<Long> l = latencies.getOrDefault(c, List.of());
      long[] sorted;
      synchronized (l) {
        sorted = l.stream().mapToLong(Long::longValue).sorted().toArray();
      }
      int failures = (int) failed.getOrDefault(c, new AtomicLong()).get();
      out.add(new SandboxLoadReport.CommandStats(c, sorted.length, failures, percentile(sorted, 50),
          percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    }
    return out;
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  // -----------------------------------------------------------------------------------------
  // Contexts and requests, shaped as the platform sends them.

  private ObjectNode common() {
    ObjectNode ctx = JSON.createObjectNode();
    ctx.putObject("connectivity").put("admin_auth_token", API_TOKEN);
    callbacks.expose(ctx);
    ObjectNode resource = ctx.putObject("resource").put("name", "hangar-kvm")
        .put("fullname", "hangar-kvm").put("model", "Hangar Cloud Provider");
    ObjectNode attrs = resource.putObject("attributes");
    attributes.forEach(attrs::put);
    return ctx;
  }

  private ObjectNode autoloadContext() {
    return common();
  }

  private ObjectNode resourceContext(String reservation) {
    ObjectNode ctx = common();
    ctx.putObject("reservation").put("reservation_id", reservation);
    return ctx;
  }

  private ObjectNode remoteContext(String reservation, SandboxApp a) {
    ObjectNode ctx = common();
    ctx.putObject("remote_reservation").put("reservation_id", reservation);
    String vmName = a.deployed().path("vmName").asText();
    ObjectNode endpoint = ctx.putArray("remote_endpoints").addObject().put("name", vmName)
        .put("fullname", vmName).put("address", "");
    endpoint.putObject("attributes").put("Public IP", "");
    endpoint.putObject("app_context").put("app_request_json", appRequest(a).toString())
        .put("deployed_app_json", deployedApp(a).toString());
    return ctx;
  }


  /** A field of /proc/self/status in KiB (VmRSS now, VmHWM the peak). */
  static long procStatus(String field) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.replaceAll("\\D+", ""));
      }
    }
    return -1;
  }

  /** Samples the heap in use every 50 ms; keeps the peak. */
  private static final class MemorySampler implements Runnable {
    private volatile boolean running = true;
    private volatile long peak;

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() {
      running = false;
    }

    long peak() {
      return peak;
    }
  }

  @Override
  public void close() {
    calls.shutdownNow();
    client.close();
    host.shutdown(Duration.ofSeconds(5));
    callbacks.close();
    backends.close();
    ovsdb.close();
    LocalProcesses.deleteTree(dir);
  }

  public static void main(String[] args) throws Exception {
    Config config = new Config(args.length > 0 ? Integer.parseInt(args[0]) : 50,
        args.length > 1 ? Integer.parseInt(args[1]) : 10,
        args.length > 2 ? Integer.parseInt(args[2]) : 5);
    SandboxLoadReport report;
    try (SandboxLoad load = new SandboxLoad()) {
      report = load.run(config);
    }
    System.out.print(report.format());
    System.exit(report.clean() ? 0 : 1);
  }
}
