package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.testing.Daemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hypervisor's Open vSwitch cut off by a network partition during Deploy and during
 * DeleteInstance. The hypervisor's ovsdb-server runs in a network namespace of its own, reached
 * over TCP through a veth pair; the partition is the root side of the pair set down, so packets
 * are dropped silently (no reset), as on a real partition. libvirt stays the in-process test
 * driver (it cannot be partitioned; the real-libvirtd tests cover a libvirt that stops answering).
 * Each command must fail within its bounds with an error naming the OVSDB remote and the timeout, leave nothing half made
 * (a failed Deploy leaves no domain, disk or port; a failed delete leaves the domain, so that a
 * retry finds the rest), and succeed on retry once the partition heals.
 */
class KvmPartitionTest {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private KvmTestbed bed;
  private Partitioned hv;

  @BeforeEach
  void start() throws Exception {
    Daemons.need(Partitioned.unavailableReason() == null, Partitioned::unavailableReason);
    hv = Partitioned.start();
    bed = new KvmTestbed(new KvmTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3),
        Duration.ofSeconds(60), Duration.ofMillis(100), KvmTimeouts.Sleeper.REAL));
    bed.attributes.put("Hangar Cloud Provider.OVSDB Remote", hv.tcpRemote());
  }

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
    if (hv != null) {
      hv.close();
    }
  }

  private static Map<String, String> template() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("NIC Count", "2");
    a.put("Wait for IP", "False");
    return a;
  }

  /** Runs {@code call} with a bound, so that a hang fails the test instead of stalling CI. */
  private static <T> T bounded(Supplier<T> call) throws Exception {
    return CompletableFuture.supplyAsync(call).get(BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aDeployDuringThePartitionFailsCleanlyAndItsRetrySucceedsAfter() throws Exception {
    // A first deploy makes the connection: the partition then meets a live, silent session.
    JsonNode before = bed.deploy("p-0", "warm", KvmTestbed.PATH_TEMPLATE, template());
    assertThat(before.path("success").asBoolean()).as(before.toString()).isTrue();
    List<String> portsBefore = hv.ports();

    hv.partition();
    JsonNode r = bounded(() -> bed.deploy("p-1", "web", KvmTestbed.PATH_TEMPLATE, template()));
    assertThat(r.path("success").asBoolean()).as(r.toString()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("could not create the vNIC ports")
        .contains(hv.tcpRemote()).contains("no answer in time");
    assertThat(bed.domains()).as("only the VM from before").hasSize(1);
    assertThat(bed.volumes()).hasSize(2);

    hv.heal();
    assertThat(hv.ports()).as("nothing half-inserted").isEqualTo(portsBefore);
    JsonNode retry = bounded(() -> bed.deploy("p-1", "web", KvmTestbed.PATH_TEMPLATE,
        template()));
    assertThat(retry.path("success").asBoolean()).as(retry.toString()).isTrue();
    assertThat(bed.domains()).hasSize(2);
    assertThat(hv.ports()).hasSize(4);
  }

  @Test
  void aDeleteDuringThePartitionFailsLeavingTheDomainAndItsRetryRemovesEverything()
      throws Exception {
    JsonNode vm = bed.deploy("d-1", "web", KvmTestbed.PATH_TEMPLATE, template());
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    assertThat(hv.ports()).hasSize(2);

    hv.partition();
    Object raised = bounded(() -> {
      try {
        bed.driver.deleteInstance(bed.remote(vm));
        return null;
      } catch (BackendException e) {
        return e;
      }
    });
    assertThat(raised).as("the delete reports the partition").isInstanceOf(
        BackendException.class);
    assertThat(((BackendException) raised).getMessage())
        .contains("could not remove the vNIC ports").contains(hv.tcpRemote())
        .contains("no answer in time");
    // The domain (with its metadata) stays while its ports could not be removed: a retry needs
    // it to find them.
    assertThat(bed.domains()).hasSize(1);

    hv.heal();
    assertThat(hv.ports()).hasSize(2);
    bounded(() -> {
      bed.driver.deleteInstance(bed.remote(vm));
      return null;
    });
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
    assertThat(hv.ports()).isEmpty();
  }

  /**
   * An ovsdb-server in a network namespace of its own, reached at a veth address over TCP; the
   * test reads its database through a unix socket (a file, reachable across the partition).
   * Started and stopped by this test: the namespace, the veth pair and the server (by pid).
   */
  static final class Partitioned implements AutoCloseable {
    private static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    private final String ns;
    private final String hostSide;
    private final String address;
    private final Path dir;
    private Process server;

    private Partitioned(String ns, String hostSide, String address, Path dir) {
      this.ns = ns;
      this.hostSide = hostSide;
      this.address = address;
      this.dir = dir;
    }

    static String unavailableReason() {
      if (!"root".equals(System.getProperty("user.name"))) {
        return "network namespaces need root";
      }
      for (String b : List.of("ip", "ovsdb-server", "ovsdb-tool", "ovs-vsctl")) {
        if (LocalProcesses.find(b) == null) {
          return "no " + b + " (iproute2, openvswitch-switch)";
        }
      }
      return Files.exists(SCHEMA) ? null : "no " + SCHEMA;
    }

    static Partitioned start() throws IOException {
      int n = ThreadLocalRandom.current().nextInt(1, 250);
      String tag = Long.toString(ProcessHandle.current().pid() % 100000) + "x" + n;
      Partitioned p = new Partitioned("hgpart" + tag, "hgpa" + tag, "10.251." + n + ".2",
          Files.createTempDirectory("hangar-partition-"));
      try {
        p.ip("netns", "add", p.ns);
        p.ip("link", "add", p.hostSide, "type", "veth", "peer", "name", "hgpb" + tag);
        p.ip("link", "set", "hgpb" + tag, "netns", p.ns);
        p.ip("addr", "add", "10.251." + n + ".1/30", "dev", p.hostSide);
        p.ip("link", "set", p.hostSide, "up");
        p.ip("netns", "exec", p.ns, "ip", "addr", "add", p.address + "/30", "dev", "hgpb" + tag);
        p.ip("netns", "exec", p.ns, "ip", "link", "set", "hgpb" + tag, "up");
        p.ip("netns", "exec", p.ns, "ip", "link", "set", "lo", "up");
        Path db = p.dir.resolve("conf.db");
        LocalProcesses.run(new ProcessBuilder(LocalProcesses.find("ovsdb-tool"), "create",
            db.toString(), SCHEMA.toString()));
        // `ip netns exec` execs the server in place: its pid is the server's.
        ProcessBuilder pb = new ProcessBuilder(LocalProcesses.find("ip"), "netns", "exec", p.ns,
            LocalProcesses.find("ovsdb-server"), db.toString(),
            "--remote=punix:" + p.dir.resolve("db.sock"), "--remote=ptcp:6640:" + p.address,
            "--unixctl=" + p.dir.resolve("ctl"), "--log-file=" + p.dir.resolve("log"))
            .redirectErrorStream(true).redirectOutput(p.dir.resolve("out").toFile());
        pb.environment().put("OVS_RUNDIR", p.dir.toString());
        pb.environment().put("OVS_LOGDIR", p.dir.toString());
        pb.environment().put("OVS_DBDIR", p.dir.toString());
        p.server = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(p.dir.resolve("db.sock")) && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        p.vsctl("--may-exist", "add-br", "br-int");
        return p;
      } catch (IOException | RuntimeException e) {
        p.close();
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.close();
        throw new IOException("interrupted", e);
      }
    }

    String tcpRemote() {
      return "tcp:" + address + ":6640";
    }

    void partition() throws IOException {
      ip("link", "set", hostSide, "down");
    }

    void heal() throws IOException {
      ip("link", "set", hostSide, "up");
    }

    List<String> ports() throws IOException {
      String out = vsctl("list-ports", "br-int").strip();
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    String vsctl(String... args) throws IOException {
      List<String> cmd = new java.util.ArrayList<>(List.of(LocalProcesses.find("ovs-vsctl"),
          "--no-wait", "--timeout=10", "--db=unix:" + dir.resolve("db.sock")));
      cmd.addAll(List.of(args));
      return LocalProcesses.run(new ProcessBuilder(cmd));
    }

    private String ip(String... args) throws IOException {
      List<String> cmd = new java.util.ArrayList<>(List.of(LocalProcesses.find("ip")));
      cmd.addAll(List.of(args));
      return LocalProcesses.run(new ProcessBuilder(cmd));
    }

    @Override
    public void close() {
      if (server != null) {
        server.destroy();
        try {
          if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        ip("link", "del", hostSide); // removes its peer too
      } catch (IOException e) {
        // already gone with the namespace
      }
      try {
        ip("netns", "del", ns);
      } catch (IOException e) {
        // never made
      }
      LocalProcesses.deleteTree(dir);
    }
  }
}
