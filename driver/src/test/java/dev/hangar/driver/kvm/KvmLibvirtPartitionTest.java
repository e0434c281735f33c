package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.LibvirtContents;
import dev.hangar.driver.testing.LibvirtdTcpLink;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.ProgressHookApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * A hypervisor's libvirtd cut off by a network partition during Deploy and during
 * DeleteInstance. A real libvirtd (qemu, TCG) runs in a network namespace of its own; the driver
 * reaches it as a remote host, {@code qemu+tcp://ADDRESS/system}, over a veth pair, and the
 * partition is the root side of the pair set down: the daemon and its VMs keep running, the
 * driver's open connection hears nothing. The OVSDB endpoint (a private ovsdb-server on
 * loopback) stays reachable, and the test watches libvirt through the daemon's unix socket,
 * which the partition does not cut.
 *
 * <p>What must hold: the command fails within libvirt's keepalive (5 s × 3 unanswered) plus a
 * little, with an error naming the hypervisor URI; the dead connection is replaced on the next
 * command after the partition heals; and nothing is left half made. For Deploy that means: what
 * the rollback could reach is undone, what it could not is named in the error, and the retry of
 * the same Deploy (same actionId) after healing ends with exactly one running VM with one set of
 * ports and volumes, whose DeleteInstance leaves nothing. A DeleteInstance cut off fails leaving
 * the domain (so a retry can find the rest), and its retry after healing leaves no domain,
 * volume or port.
 *
 * <p>Skipped only where the packages cannot be there, like the other real-libvirtd tests.
 */
class KvmLibvirtPartitionTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";
  private static final String RESERVATION = "res-1"; // what Contexts.resource() uses
  private static final String TEMPLATE = "tmpl.qcow2";
  /**
   * Partition to failed command: libvirt closes a connection after 3 unanswered keepalives 5 s
   * apart (up to 20 s), then the rollback's steps fail at once on the closed connection.
   */
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(35);
  /** A bound on any one command, so that a hang fails the test instead of stalling CI. */
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(150);

  private static GuestImage image;
  private static RealLibvirtd libvirtd;
  private static LibvirtdTcpLink link;
  private static PrivateOvsdbServer ovsdb;

  private final Map<String, String> attributes = new LinkedHashMap<>(Contexts.kvmAttributes());
  private final AtomicLong partitionedAt = new AtomicLong();
  private volatile Consumer<String> onProgress = m -> { };
  private KvmBackendProvider provider;
  private CloudProviderDriver driver;

  @BeforeAll
  static void startDaemons() throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    image = GuestImage.build();
    libvirtd = RealLibvirtd.start(true);
    link = LibvirtdTcpLink.open(libvirtd);
    ovsdb = PrivateOvsdbServer.start(BRIDGE);
    // An empty qcow2 template: its VMs sit in the BIOS, cheap on a busy machine.
    StoragePool pool = libvirtd.connection().storagePoolLookupByName(libvirtd.storagePool());
    try {
      pool.storageVolCreateXML("<volume><name>" + TEMPLATE + "</name><capacity unit='M'>64"
          + "</capacity><target><format type='qcow2'/></target></volume>", 0).free();
    } finally {
      pool.free();
    }
  }

  @AfterAll
  static void stopDaemons() {
    if (ovsdb != null) {
      ovsdb.close();
    }
    if (link != null) {
      link.close();
    }
    if (libvirtd != null) {
      libvirtd.close();
    }
  }

  @BeforeEach
  void startDriver() throws Exception {
    provider = new KvmBackendProvider(OvsdbConnectors::standard, new KvmTimeouts(
        Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(3),
        Duration.ofMillis(200), KvmTimeouts.Sleeper.REAL));
    ProgressHookApi api = new ProgressHookApi(RecordingOrchestratorApi.silent(),
        m -> onProgress.accept(m));
    driver = new CloudProviderDriver(BackendRegistry.empty().register(provider), c -> api);
    attributes.putAll(libvirtd.providerAttributes());
    attributes.put("Hangar Cloud Provider.Hypervisors", link.uri());
    attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
    attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    assertNothingLeft("before the test");
  }

  @AfterEach
  void stopDriver() throws IOException {
    link.heal();
    if (provider != null) {
      provider.close();
    }
    removeLeftovers();
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDeployCutOffWhileWaitingForItsIpFailsInBoundsAndItsRetryResumesTheOneVm()
      throws Exception {
    Map<String, String> attrs = kernelAttrs();
    UUID uuid = Names.vmUuid(RESERVATION, "act-ip");
    String name = Names.vmName("web", uuid, true);
    String tap = Names.tapName(uuid, 1);
    // Defined, its port made, started: the partition meets a VM that is all there.
    partitionAt("Waiting up to");

    JsonNode failed = deploy("act-ip", "web", KvmTestbed.PATH_KERNEL, attrs);
    long failedMs = msSincePartition();
    System.out.printf("KvmLibvirtPartitionTest: Deploy cut off at its IP wait failed %d ms after"
        + " the partition: %s%n", failedMs, failed.path("errorMessage").asText());
    assertThat(failed.path("success").asBoolean()).as(failed.toString()).isFalse();
    assertThat(failed.path("errorMessage").asText())
        .startsWith("could not deploy " + name + " on " + link.uri() + ": lost the connection"
            + " to the hypervisor (").contains("keepalive")
        // The rollback could not reach the host: the error says what is left there.
        .contains("could not undo").contains("domain " + name);
    assertThat(failedMs).as("failed within the keepalive's bound")
        .isLessThan(FAILS_WITHIN.toMillis());
    assertThat(domains()).as("the VM the rollback could not reach").containsExactly(name);

    link.heal();
    onProgress = m -> { };
    JsonNode retry = deploy("act-ip", "web", KvmTestbed.PATH_KERNEL, attrs);
    assertThat(retry.path("success").asBoolean()).as(retry.toString()).isTrue();
    assertThat(retry.path("infoMessage").asText())
        .isEqualTo("found the VM an earlier attempt made on " + link.uri());
    assertThat(retry.path("vmUuid").asText()).isEqualTo(uuid.toString());
    assertThat(retry.path("deployedAppAddress").asText()).isNotEmpty();
    assertOneRunningVm(name, List.of(tap), List.of());

    deleteAndAssertNothingLeft(retry);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDeployCutOffBeforeItMadeAnythingFailsInBoundsAndItsRetryMakesOneVm() throws Exception {
    UUID uuid = Names.vmUuid(RESERVATION, "act-place");
    String name = Names.vmName("db", uuid, true);
    // Placed (its host's connection is open and answering), nothing made yet.
    partitionAt("Deploying " + name);

    JsonNode failed = deploy("act-place", "db", KvmTestbed.PATH_TEMPLATE, templateAttrs());
    long failedMs = msSincePartition();
    System.out.printf("KvmLibvirtPartitionTest: Deploy cut off before its first change failed %d"
        + " ms after the partition: %s%n", failedMs, failed.path("errorMessage").asText());
    assertThat(failed.path("success").asBoolean()).as(failed.toString()).isFalse();
    assertThat(failed.path("errorMessage").asText()).contains(link.uri()).contains("keepalive");
    assertThat(failedMs).as("failed within the keepalive's bound")
        .isLessThan(FAILS_WITHIN.toMillis());

    link.heal();
    assertNothingLeft("after the Deploy cut off before its first change");
    onProgress = m -> { };
    JsonNode retry = deploy("act-place", "db", KvmTestbed.PATH_TEMPLATE, templateAttrs());
    assertThat(retry.path("success").asBoolean()).as(retry.toString()).isTrue();
    assertThat(retry.path("infoMessage").asText()).isEqualTo("created on " + link.uri());
    assertOneRunningVm(name, List.of(Names.tapName(uuid, 1)), List.of(name + "-disk0.qcow2"));

    deleteAndAssertNothingLeft(retry);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDeleteCutOffFailsInBoundsLeavingTheDomainAndItsRetryRemovesEverything()
      throws Exception {
    JsonNode vm = deploy("act-del", "app", KvmTestbed.PATH_TEMPLATE, templateAttrs());
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    String name = vm.path("vmName").asText();
    List<String> ports = ports();
    assertThat(ports).hasSize(1);
    partitionAt("Deleting " + name);

    BackendException raised = bounded(() -> {
      try {
        driver.deleteInstance(KvmTestbed.remote(attributes, vm, Map.of()));
        return null;
      } catch (BackendException e) {
        return e;
      }
    });
    long failedMs = msSincePartition();
    assertThat(raised).as("the delete reports the partition").isNotNull();
    System.out.printf("KvmLibvirtPartitionTest: DeleteInstance cut off failed %d ms after the"
        + " partition: %s%n", failedMs, raised.getMessage());
    assertThat(raised.getMessage()).startsWith("could not delete VM " + name + " on "
        + link.uri() + ": lost the connection to the hypervisor (").contains("keepalive");
    assertThat(raised.unavailable()).as("retryable: the host was unreachable").isTrue();
    assertThat(failedMs).as("failed within the keepalive's bound")
        .isLessThan(FAILS_WITHIN.toMillis());

    link.heal();
    // Nothing was removed: the definition still names the ports and volumes a retry removes.
    assertOneRunningVm(name, ports, List.of(name + "-disk0.qcow2"));
    onProgress = m -> { };
    deleteAndAssertNothingLeft(vm);
  }

  // --- the driver's side -----------------------------------------------------------------------

  /** Cuts the link when the command first reports a progress line starting with {@code prefix}. */
  private void partitionAt(String prefix) {
    onProgress = m -> {
      if (m.startsWith(prefix) && partitionedAt.get() == 0) {
        try {
          link.partition();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        partitionedAt.set(System.nanoTime());
      }
    };
  }

  private long msSincePartition() {
    assertThat(partitionedAt.get()).as("the command reached the step the partition waits for")
        .isNotZero();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - partitionedAt.get());
  }

  private static Map<String, String> kernelAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Kernel", image.kernel().toString());
    a.put("Initrd", image.initrd().toString());
    a.put("Kernel Cmdline", GuestImage.CMDLINE);
    a.put("CPU", "1");
    a.put("RAM", "256");
    a.put("NIC Count", "1");
    a.put("Wait for IP", "True");
    a.put("Refresh IP Timeout", "120");
    return a;
  }

  private static Map<String, String> templateAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", TEMPLATE);
    a.put("CPU", "1");
    a.put("RAM", "128");
    a.put("NIC Count", "1");
    a.put("Wait for IP", "False");
    return a;
  }

  private JsonNode deploy(String actionId, String app, String path, Map<String, String> attrs)
      throws Exception {
    String request = Contexts.request(KvmTestbed.deployApp(actionId, app, path, attrs));
    String out = bounded(() -> driver.deploy(Contexts.resource(attributes), request,
        CancellationContext.NONE));
    JsonNode results = CODEC.readTree(out, "response").path("driverResponse")
        .path("actionResults");
    assertThat(results).as(out).hasSize(1);
    return results.get(0);
  }

  private void deleteAndAssertNothingLeft(JsonNode deployed) throws Exception {
    bounded(() -> {
      driver.deleteInstance(KvmTestbed.remote(attributes, deployed, Map.of()));
      return null;
    });
    assertNothingLeft("after DeleteInstance");
  }

  private static <T> T bounded(Supplier<T> call) throws Exception {
    return CompletableFuture.supplyAsync(call).get(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  // --- the daemons' side (through the unix socket and OVSDB, across the partition) -------------

  private static void assertOneRunningVm(String name, List<String> ports, List<String> volumes)
      throws Exception {
    Connect c = libvirtd.connection();
    assertThat(domains()).as("domains").containsExactly(name);
    Domain d = c.domainLookupByName(name);
    try {
      assertThat(d.isActive()).as("%s is running", name).isEqualTo(1);
    } finally {
      d.free();
    }
    assertThat(ports()).as("ports on %s", BRIDGE).containsExactlyElementsOf(ports);
    List<String> wanted = new ArrayList<>(volumes);
    wanted.add(TEMPLATE);
    assertThat(volumes()).as("volumes").containsExactlyInAnyOrderElementsOf(wanted);
  }

  private static void assertNothingLeft(String when) throws Exception {
    assertThat(domains()).as("domains %s", when).isEmpty();
    assertThat(ports()).as("ports on %s %s", BRIDGE, when).isEmpty();
    assertThat(volumes()).as("volumes %s", when).containsExactly(TEMPLATE);
  }

  private static List<String> domains() throws LibvirtException {
    return LibvirtContents.domainNames(libvirtd.connection());
  }

  private static List<String> ports() throws IOException {
    return ovsdb.vsctlNames("list-ports", BRIDGE);
  }

  private static List<String> volumes() throws LibvirtException {
    StoragePool pool = libvirtd.connection().storagePoolLookupByName(libvirtd.storagePool());
    try {
      pool.refresh(0);
      return List.of(pool.listVolumes());
    } finally {
      pool.free();
    }
  }

  /** A failed test must not fail the next one: removes what it left (after its assertions). */
  private static void removeLeftovers() {
    try {
      Connect c = libvirtd.connection();
      for (String name : domains()) {
        Domain d = c.domainLookupByName(name);
        try {
          if (d.isActive() == 1) {
            d.destroy();
          }
          d.undefine();
        } finally {
          d.free();
        }
      }
      StoragePool pool = c.storagePoolLookupByName(libvirtd.storagePool());
      try {
        for (String v : volumes()) {
          if (!v.equals(TEMPLATE)) {
            pool.storageVolLookupByName(v).delete(0);
          }
        }
      } finally {
        pool.free();
      }
      for (String p : ports()) {
        ovsdb.vsctl("--if-exists", "del-port", BRIDGE, p);
      }
    } catch (LibvirtException | IOException | RuntimeException e) {
      System.err.println("KvmLibvirtPartitionTest: could not remove leftovers: " + e.getMessage());
    }
  }
}
