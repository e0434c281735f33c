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
import dev.hangar.driver.kvm.KvmInspection;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.ApplyHookConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * 500 vNIC ports on 3 hypervisors moved, in one ApplyConnectivityChanges, onto 50 segments (port
 * i onto segment i mod 50), through the driver with the KVM backend: {@code vlans} (the
 * baseline: VLAN Type VLAN, 50 VLANs) and {@code vnis} (VLAN Type VXLAN, 50 VNIs: host VLAN
 * maps, and a full mesh of tunnels per VNI across the 3 hosts). Each op moves every port onto 50
 * ids it was not on, so every row changes: for VXLAN that also retires the 50 previous VNIs
 * (their map entries and tunnels go) and makes the new VNIs' tunnels (up to 300: 6 per VNI held
 * by all 3 hosts).
 *
 * <p>Each cloud: three libvirt test-driver hosts with a private ovsdb-server each, 500 VMs (NIC
 * Count 1, placed by the driver: about 167 per host) deployed through the driver before the
 * trial. The OVSDB client counts the write transactions per request: both ways write one per
 * host (3), printed after the trial with the tunnel count. After every op, outside the timed part,
 * every action must have succeeded, or the iteration throws.
 *
 * <p>Run: {@code bench/run VxlanMoveBenchmark} (about 3 min; the first dozen ops of each are
 * warm-up: the JIT still halves the time over them). Needs libvirt0 and Open vSwitch.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 12, batchSize = 1)
@Measurement(iterations = 10, batchSize = 1)
@Fork(1)
public class VxlanMoveBenchmark {
  static final int PORTS = 500;
  static final int SEGMENTS = 50;
  static final int HOSTS = 3;
  private static final WireCodec CODEC = WireCodec.standard();

  @Benchmark
  public String vlans(VlanCloud c) {
    return c.move();
  }

  @Benchmark
  public String vnis(VxlanCloud c) {
    return c.move();
  }

  /** VLAN Type VLAN. */
  @State(Scope.Benchmark)
  public static class VlanCloud extends Cloud {
    public VlanCloud() {
      super(false);
    }
  }

  /** VLAN Type VXLAN. */
  @State(Scope.Benchmark)
  public static class VxlanCloud extends Cloud {
    public VxlanCloud() {
      super(true);
    }
  }

  /** Three hosts, 500 VMs, and the request of the next op. */
  public abstract static class Cloud {
    private final boolean vxlan;
    private final AtomicInteger writes = new AtomicInteger();
    private final List<Integer> writesPerOp = new ArrayList<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<PrivateOvsdbServer> dbs = new ArrayList<>();
    private final List<JsonNode> vms = new ArrayList<>();
    private BackendRegistry backends;
    private CloudProviderDriver driver;
    private Path nodeDir;
    private ResourceCommandContext context;
    private int op;
    private String request;
    private String response;

    Cloud(boolean vxlan) {
      this.vxlan = vxlan;
    }

    @Setup(Level.Trial)
    public void trial() throws Exception {
      LibvirtProbe.silenceLibvirtStderr();
      backends = BackendRegistry.empty().register(KvmInspection.providerWith(
          () -> new ApplyHookConnector(OvsdbConnectors.standard(),
              session -> writes.incrementAndGet())));
      driver = new CloudProviderDriver(backends, c -> RecordingOrchestratorApi.silent());
      nodeDir = Files.createTempDirectory("hangar-bench-vxlan-");
      List<String> uris = new ArrayList<>();
      List<String> remotes = new ArrayList<>();
      List<String> ips = new ArrayList<>();
      for (int h = 1; h <= HOSTS; h++) {
        Path node = nodeDir.resolve("node" + h + ".xml");
        Files.writeString(node, DeployHost.nodeXml());
        uris.add("test://" + node);
        PrivateOvsdbServer db = PrivateOvsdbServer.start(OvsRetagBenchmark.BRIDGE);
        dbs.add(db);
        remotes.add(db.tcpRemote());
        ips.add("192.0.2." + h);
      }
      String p = "Hangar Cloud Provider.";
      attributes.put(p + "Cloud Type", "KVM");
      attributes.put(p + "Networking type", "L2");
      attributes.put(p + "Hypervisors", String.join(",", uris));
      attributes.put(p + "OVSDB Remote", String.join(",", remotes));
      attributes.put(p + "OVS Bridge", OvsRetagBenchmark.BRIDGE);
      attributes.put(p + "Storage Pool", "hangar-pool");
      attributes.put(p + "Management Network", "");
      attributes.put(p + "VLAN Type", vxlan ? "VXLAN" : "VLAN");
      attributes.put(p + "Tunnel Endpoints", String.join(",", ips));
      context = CODEC.read("{" + KvmDeployBenchmark.common(attributes)
          + ",\"reservation\":{\"reservation_id\":\"bench-vxlan-" + ProcessHandle.current().pid()
          + "\"}}", ResourceCommandContext.class);
      driver.getInventory(CODEC.read("{" + KvmDeployBenchmark.common(attributes) + "}",
          AutoLoadCommandContext.class));
      String[] responses = new String[PORTS];
      ExecutorService pool = KvmDeployBenchmark.fixedPool("vxlan-deploy");
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < PORTS; i++) {
          String req = "{\"driverRequest\":{\"actions\":[" + OvsRetagBenchmark.deployApp(
              "deploy-" + i, OvsRetagBenchmark.appName(i)) + "]}}";
          int app = i;
          futures.add(pool.submit(() -> responses[app] = driver.deploy(context, req,
              CancellationContext.NONE)));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (String r : responses) {
        JsonNode result = CODEC.readTree(r, "response").path("driverResponse")
            .path("actionResults").path(0);
        if (!result.path("success").asBoolean(false)) {
          throw new IllegalStateException("deploy failed: " + r);
        }
        vms.add(result);
      }
    }

    @Setup(Level.Iteration)
    public void next() {
      // VLANs 100-2149 in 41 rotating blocks of 50; VNIs never repeat (10000, 10050, ...).
      int base = vxlan ? 10_000 + op * SEGMENTS : 100 + (op % 41) * SEGMENTS;
      op++;
      List<String> actions = new ArrayList<>();
      for (int i = 0; i < vms.size(); i++) {
        Map<String, Object> a = OvsRetagBenchmark.setVlan("move-" + i, vms.get(i),
            base + i % SEGMENTS);
        @SuppressWarnings("unchecked")
        List<Map<String, String>> custom = (List<Map<String, String>>) a.get(
            "customActionAttributes");
        custom.add(Map.of("attributeName", "Vnic Name", "attributeValue", "0", "type",
            "customAttribute"));
        actions.add(CODEC.write(a));
      }
      request = "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
      response = null;
      writes.set(0);
    }

    String move() {
      response = driver.applyConnectivityChanges(context, request);
      return response;
    }

    @TearDown(Level.Iteration)
    public void verify() {
      writesPerOp.add(writes.get());
      JsonNode results = CODEC.readTree(response, "response").path("driverResponse")
          .path("actionResults");
      int ok = 0;
      for (JsonNode r : results) {
        if (!r.path("success").asBoolean(false)) {
          throw new IllegalStateException((vxlan ? "vnis" : "vlans") + ": setVlan failed: " + r);
        }
        ok++;
      }
      if (ok != PORTS) {
        throw new IllegalStateException(ok + " results for " + PORTS + " actions");
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      int tunnels = 0;
      try (OvsdbConnector c = OvsdbConnectors.standard()) {
        for (PrivateOvsdbServer db : dbs) {
          try (OvsdbSession s = c.open(db.tcpEndpoint(), Duration.ofSeconds(30))) {
            tunnels += (int) s.bridge(OvsRetagBenchmark.BRIDGE).ports().values().stream()
                .filter(port -> !port.ifaceType().isEmpty()
                    || port.externalIds().containsKey("hangar-peer")).count();
          }
        }
      }
      System.out.printf("%n%s: write transactions per request %s; tunnel ports now %d%n",
          vxlan ? "vnis" : "vlans", writesPerOp, tunnels);
      backends.close();
      dbs.forEach(PrivateOvsdbServer::close);
      LocalProcesses.deleteTree(nodeDir);
    }
  }
}
