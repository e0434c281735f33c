package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.LibvirtContents;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.LogCapture;
import dev.hangar.testing.ProgressHookApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 * End to end through the driver against a real, isolated libvirtd (qemu, TCG) and a private
 * ovsdb-server: a {@code KVM VM From Kernel} guest (Debian kernel + busybox initramfs that DHCPs)
 * is deployed with Wait for IP, gets its address from the management network's DHCP, is powered
 * off and on, has its IP refreshed, is read with GetVmDetails and deleted, and nothing is left:
 * no domain, no volume, no OVS port, no tap. A Deploy whose start fails after the domain was
 * defined rolls everything back.
 *
 * <p>Skipped only where the packages cannot be there ({@link RealLibvirtd#unavailableReason()},
 * Open vSwitch missing); {@code bin/test} runs {@code bin/deps all} first, so it runs in CI.
 */
class KvmRealLibvirtdTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";
  private static final String RESERVATION = "res-1"; // what Contexts.resource() uses
  /** The busybox guest has no ACPI handling: a short bound keeps PowerOff quick. */
  private static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(3);
  private static final Duration GUEST_UP = Duration.ofSeconds(90);
  private static final Pattern TAP = Pattern.compile("^hg[0-9a-f]{10}[0-9]+$");

  private static GuestImage image;
  private static RealLibvirtd libvirtd;
  private static PrivateOvsdbServer ovsdb;

  private KvmBackendProvider provider;
  private CloudProviderDriver driver;
  private TimedApi api;
  private final Map<String, String> attributes = new LinkedHashMap<>(Contexts.kvmAttributes());
  private List<String> volumesBefore;

  @BeforeAll
  static void startDaemons() throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    image = GuestImage.build();
    libvirtd = RealLibvirtd.start();
    ovsdb = PrivateOvsdbServer.start(BRIDGE);
  }

  @AfterAll
  static void stopDaemons() {
    if (ovsdb != null) {
      ovsdb.close();
    }
    if (libvirtd != null) {
      libvirtd.close();
    }
  }

  @BeforeEach
  void startDriver() throws Exception {
    provider = new KvmBackendProvider(OvsdbConnectors::standard, new KvmTimeouts(
        Duration.ofSeconds(30), Duration.ofSeconds(10), GRACEFUL_SHUTDOWN,
        Duration.ofMillis(200), KvmTimeouts.Sleeper.REAL));
    api = new TimedApi();
    driver = new CloudProviderDriver(BackendRegistry.empty().register(provider),
        c -> api.api());
    attributes.putAll(libvirtd.providerAttributes());
    attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
    attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    assertNoDomainsPortsOrTaps("before the test");
    volumesBefore = volumes();
  }

  @AfterEach
  void stopDriver() {
    if (provider != null) {
      provider.close();
    }
    // A failed test must not fail the next one: remove whatever it left (after its assertions).
    removeLeftovers();
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void kernelVmDeploysGetsItsDhcpAddressSurvivesAPowerCycleAndDeletesWithoutTrace()
      throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> attrs = kernelAttrs(image.kernel().toString());
    attrs.put("Wait for IP", "True");
    attrs.put("Refresh IP Timeout", "120");

    // --- Deploy, waiting for the management network's DHCP lease -----------------------------
    long deployAt = System.nanoTime();
    JsonNode r = deploy("act-e2e", "e2e", attrs);
    long deployEnd = System.nanoTime();
    long createToIpMs = TimeUnit.NANOSECONDS.toMillis(deployEnd - deployAt);
    String vmName = r.path("vmName").asText();
    assertThat(r.path("success").asBoolean())
        .as("Deploy: %s\nqemu log:\n%s\nlibvirtd log:\n%s", r, libvirtd.qemuLog(vmName, 20),
            libvirtd.libvirtdLog(20)).isTrue();
    String uuid = r.path("vmUuid").asText();
    String ip = r.path("deployedAppAddress").asText();
    assertThat(ip).as("the management network's DHCP range")
        .matches(Pattern.quote(subnetPrefix()) + "(1[0-9][0-9])");
    long placedMs = createToIpMs - api.msBetween("Deploying ", deployEnd);
    long startedToIpMs = api.msBetween("Waiting up to", deployEnd);
    System.out.printf("KvmRealLibvirtdTest: create→IP: %d ms (Deploy with Wait for IP, DHCP"
        + " lease %s: connect+place %d ms, define+OVS port+start %d ms, started→IP %d ms)%n",
        createToIpMs, ip, placedMs, createToIpMs - placedMs - startedToIpMs, startedToIpMs);

    assertThat(r.path("vmName").asText()).matches("e2e-[0-9a-f]{8}");
    assertThat(r.path("deployedAppAdditionalData").path("hypervisor").asText())
        .isEqualTo(libvirtd.uri());
    Domain domain = libvirtd.connection().domainLookupByUUIDString(uuid);
    DomainView view = DomainView.parse(domain.getXMLDesc(0));
    assertThat(domain.isActive()).isEqualTo(1);
    assertThat(domain.getXMLDesc(0)).contains("type='qemu'") // TCG: no KVM here
        .contains("<kernel>" + image.kernel() + "</kernel>")
        .contains("<acpi/>"); // so that PowerOff's ACPI shutdown can reach the guest
    assertThat(libvirtd.qemuLog(vmName, 300)).contains("-kernel " + image.kernel())
        .doesNotContain("-no-acpi").doesNotContain("acpi=off");
    assertThat(view.nics()).hasSize(2);
    DomainView.NicView mgmt = view.nics().get(0);
    DomainView.NicView ovsNic = view.nics().get(1);
    assertThat(mgmt.network()).isEqualTo(libvirtd.managementNetwork());
    assertThat(ovsNic.onOvs()).isTrue();
    String tap = ovsNic.device();
    assertThat(ports()).containsExactly(tap);
    assertThat(ovsdb.vsctl("get", "port", tap, "tag").strip()).isEqualTo("4095");
    assertThat(ovsdb.vsctl("get", "interface", tap, "external_ids:attached-mac").strip())
        .isEqualTo("\"" + ovsNic.mac() + "\"");
    assertThat(ovsdb.vsctl("get", "interface", tap, "external_ids:vm-id").strip())
        .isEqualTo("\"" + uuid + "\"");
    // qemu made the tap inside the daemon's namespace (attached to no datapath: no vswitchd).
    assertThat(libvirtd.exec("ip", "-o", "link", "show", "dev", tap).ok())
        .as("tap %s exists in netns %s", tap, libvirtd.netns()).isTrue();
    JsonNode deployNics = r.path("vmDetailsData").path("vmNetworkData");
    assertThat(deployNics).hasSize(2);
    assertThat(deployNics.get(0).path("privateIpAddress").asText()).isEqualTo(ip);
    awaitPing(ip, "after Deploy");

    // --- PowerOff: graceful, then forced after the bound; a second PowerOff is a no-op --------
    long offAt = System.nanoTime();
    driver.powerOff(remote(r, ip));
    long powerOffMs = msSince(offAt);
    assertThat(domain.isActive()).isZero();
    boolean forced = api.progress().stream().anyMatch(m -> m.contains("forcing it off"));
    if (forced) {
      assertThat(powerOffMs).as("forced off only after the graceful bound")
          .isGreaterThanOrEqualTo(GRACEFUL_SHUTDOWN.toMillis());
    }
    driver.powerOff(remote(r, ip));
    assertThat(domain.isActive()).isZero();
    assertThat(state(details(r))).isEqualTo("shut off");
    assertThat(ports()).as("a stopped VM keeps its port").containsExactly(tap);
    assertThat(libvirtd.exec("ip", "link", "show", "dev", tap).ok())
        .as("tap removed with the stopped qemu").isFalse();

    // --- PowerOn: the guest boots again and answers on its address -------------------------------
    long onAt = System.nanoTime();
    driver.powerOn(remote(r, ip));
    assertThat(domain.isActive()).isEqualTo(1);
    driver.powerOn(remote(r, ip));
    assertThat(domain.isActive()).isEqualTo(1);
    assertThat(ovsdb.vsctl("get", "port", tap, "tag").strip())
        .as("the port keeps its VLAN across the restart").isEqualTo("4095");

    // --- remote_refresh_ip: UpdateResourceAddress only when the address shown is not current ---
    Map<String, String> refreshAttrs = Map.of("Refresh IP Timeout", "60",
        "IP Regex", "^" + Pattern.quote(subnetPrefix()));
    api.clear();
    driver.remoteRefreshIp(remote(r, ip, refreshAttrs), CancellationContext.NONE);
    assertThat(api.calls("UpdateResourceAddress"))
        .as("same MAC, same lease: the platform's address is current").isEmpty();
    String stale = subnetPrefix() + "250";
    driver.remoteRefreshIp(remote(r, stale, refreshAttrs), CancellationContext.NONE);
    List<ApiCall> updates = api.calls("UpdateResourceAddress");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).args()).containsExactly(vmName, ip);
    awaitPing(ip, "after PowerOn");
    long onToPingMs = msSince(onAt);

    // --- GetVmDetails: state, the NICs' MACs, the address, the parked VLAN ----------------------
    JsonNode d = details(r);
    assertThat(d.path("errorMessage").asText()).isEmpty();
    assertThat(state(d)).isEqualTo("running");
    assertThat(property(d.path("vmInstanceData"), "Hypervisor")).isEqualTo(libvirtd.uri());
    JsonNode nic0 = d.path("vmNetworkData").get(0);
    JsonNode nic1 = d.path("vmNetworkData").get(1);
    assertThat(nic0.path("isPrimary").asBoolean()).isTrue();
    assertThat(property(nic0.path("networkData"), "MAC Address")).isEqualTo(mgmt.mac());
    assertThat(property(nic0.path("networkData"), "Network"))
        .isEqualTo(libvirtd.managementNetwork());
    assertThat(nic0.path("privateIpAddress").asText()).isEqualTo(ip);
    assertThat(nic1.path("isPrimary").asBoolean()).isFalse();
    assertThat(property(nic1.path("networkData"), "MAC Address")).isEqualTo(ovsNic.mac());
    assertThat(property(nic1.path("networkData"), "Bridge")).isEqualTo(BRIDGE);
    assertThat(property(nic1.path("networkData"), "VLAN")).isEqualTo("none (parked on 4095)");

    // --- DeleteInstance: nothing left; a second DeleteInstance succeeds ---------------------------
    long deleteAt = System.nanoTime();
    driver.deleteInstance(remote(r, ip));
    long deleteMs = msSince(deleteAt);
    assertNothingLeft("after DeleteInstance");
    assertThat(libvirtd.exec("ip", "link", "show", "dev", tap).ok()).isFalse();
    driver.deleteInstance(remote(r, ip));
    assertNothingLeft("after the second DeleteInstance");
    domain.free();

    System.out.printf("KvmRealLibvirtdTest: PowerOff %d ms (%s), PowerOn→ping %d ms,"
        + " DeleteInstance %d ms, whole lifecycle %d ms%n", powerOffMs,
        forced ? "forced after " + GRACEFUL_SHUTDOWN.toSeconds() + " s" : "graceful", onToPingMs,
        deleteMs, msSince(t0));
  }

  /**
   * The fixture's daemon offers TCG only (no /dev/kvm, or an empty file bound over it): a
   * provider that insists on KVM is told so by get_inventory and by Deploy, naming the
   * attribute, and Deploy makes nothing.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void virtualizationKvmOnAHostWithoutKvmIsRefusedNamingTheAttributeAndMakesNothing()
      throws Exception {
    assertThat(libvirtd.connection().getCapabilities()).contains("<domain type='qemu'")
        .doesNotContain("<domain type='kvm'");
    attributes.put("Hangar Cloud Provider.Virtualization", "KVM");
    assertThatThrownBy(() -> driver.getInventory(Contexts.autoload(attributes)))
        .hasMessageContaining("attribute 'Virtualization': " + libvirtd.uri()
            + " offers no KVM guests (only qemu); set attribute 'Virtualization' to Auto or TCG");
    JsonNode r = deploy("act-kvm", "kvm", kernelAttrs(image.kernel().toString()));
    assertThat(r.path("success").asBoolean()).as(r.toString()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("no hypervisor can run the VM",
        "offers no KVM guests", "'Virtualization' to Auto or TCG");
    assertNoDomainsPortsOrTaps("after the refused Deploy");
    assertThat(volumes()).isEqualTo(volumesBefore);

    attributes.put("Hangar Cloud Provider.Virtualization", "Auto");
    assertThat(driver.getInventory(Contexts.autoload(attributes))).isNotNull();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aKernelThatDoesNotExistFailsTheStartAfterDefineAndRollsEverythingBack() throws Exception {
    String kernel = "/nonexistent/hangar-e2e/vmlinuz";
    assertThat(Path.of(kernel)).doesNotExist();
    String message = startFailsAfterDefineAndLeavesNothing("act-nokernel", kernel);
    assertThat(message).contains("could not open kernel file '" + kernel + "'");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aKernelFileThatIsNotAKernelFailsTheStartAfterDefineAndRollsEverythingBack()
      throws Exception {
    // Passes every check Deploy makes itself (an absolute, normalized path of a real file), but
    // qemu refuses it: no Linux boot header, no multiboot header, and an initrd is given.
    Path notAKernel = libvirtd.dir().resolve("not-a-kernel.img");
    Files.write(notAKernel, new byte[64 * 1024]);
    String message = startFailsAfterDefineAndLeavesNothing("act-badkernel",
        notAKernel.toString());
    assertThat(message).contains("qemu").contains("kernel");
  }

  /** Deploys with {@code kernel}, checks the failure and the rollback; returns the message. */
  private String startFailsAfterDefineAndLeavesNothing(String actionId, String kernel)
      throws Exception {
    Map<String, String> attrs = kernelAttrs(kernel);
    attrs.put("Wait for IP", "True");
    UUID uuid = Names.vmUuid(RESERVATION, actionId);
    String vmName = Names.vmName("broken", uuid, true);
    String tap = Names.tapName(uuid, 1);

    JsonNode r;
    String log;
    try (LogCapture logs = new LogCapture()) {
      r = deploy(actionId, "broken", attrs);
      log = logs.text();
    }

    assertThat(r.path("type").asText()).isEqualTo("DeployApp");
    assertThat(r.path("actionId").asText()).isEqualTo(actionId);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isFalse();
    String message = r.path("errorMessage").asText();
    assertThat(message).as("names what failed, where, and libvirt's reason")
        .startsWith("could not deploy " + vmName + " on " + libvirtd.uri() + ": ")
        .doesNotContain("could not undo");
    // Deploy got past define: libvirt launched qemu for this domain, and qemu refused the kernel.
    assertThat(api.progress()).anyMatch(m -> m.startsWith("Deploying " + vmName + " on "));
    assertThat(api.progress()).noneMatch(m -> m.startsWith("Waiting up to"));
    assertThat(libvirtd.qemuLog(vmName, 200)).contains("-kernel " + kernel);
    // The rollback undid the port (made after define, before start) and the definition.
    assertThat(log).contains("rolled back: OVS ports [" + tap + "]")
        .contains("rolled back: domain " + vmName).doesNotContain("could not roll back");
    System.out.printf("KvmRealLibvirtdTest: failed start of %s: %s%n", kernel, message);
    assertNothingLeft("after the failed Deploy");
    return message;
  }

  // --- the driver's side -----------------------------------------------------------------------

  private static Map<String, String> kernelAttrs(String kernel) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Kernel", kernel);
    a.put("Initrd", image.initrd().toString());
    a.put("Kernel Cmdline", GuestImage.CMDLINE);
    a.put("CPU", "1");
    a.put("RAM", "256");
    a.put("NIC Count", "1");
    return a;
  }

  private JsonNode deploy(String actionId, String app, Map<String, String> attrs) {
    String request = Contexts.request(KvmTestbed.deployApp(actionId, app, KvmTestbed.PATH_KERNEL,
        attrs));
    String out = driver.deploy(Contexts.resource(attributes), request, CancellationContext.NONE);
    JsonNode results = CODEC.readTree(out, "response").path("driverResponse")
        .path("actionResults");
    assertThat(results).as(out).hasSize(1);
    return results.get(0);
  }

  private JsonNode details(JsonNode deployed) {
    String request = CODEC.write(Map.of("items", List.of(Map.of("deployedAppJson", Map.of(
        "name", deployed.path("vmName").asText(), "vmdetails", Map.of("uid",
            deployed.path("vmUuid").asText()))))));
    JsonNode out = CODEC.readTree(driver.getVmDetails(Contexts.resource(attributes), request,
        CancellationContext.NONE), "response");
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  private ResourceRemoteCommandContext remote(JsonNode deployed, String address) {
    return remote(deployed, address, Map.of());
  }

  /**
   * The remote context the platform builds for a deployed app from its DeployApp result:
   * {@code address} is the app's address as the platform shows it, {@code deployAttrs} the
   * deployment path's attributes (Refresh IP Timeout, IP Regex).
   */
  private ResourceRemoteCommandContext remote(JsonNode deployed, String address,
      Map<String, String> deployAttrs) {
    List<Map<String, String>> custom = new ArrayList<>();
    deployed.path("deployedAppAdditionalData").properties().forEach(e -> custom.add(
        Map.of("name", e.getKey(), "value", e.getValue().asText())));
    List<Map<String, String>> depAttrs = new ArrayList<>();
    deployAttrs.forEach((k, v) -> depAttrs.add(Map.of("name", k, "value", v)));
    String app = deployed.path("vmName").asText();
    String deployedJson = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid",
        deployed.path("vmUuid").asText(), "vmCustomParams", custom)));
    String request = CODEC.write(Map.of("name", app, "deploymentService", Map.of("model",
        KvmTestbed.PATH_KERNEL, "attributes", depAttrs)));
    String ctx = "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(attributes) + "},\"remote_reservation\":{"
        + "\"reservation_id\":\"" + RESERVATION + "\"},\"remote_endpoints\":[{\"name\":"
        + CODEC.write(app) + ",\"fullname\":" + CODEC.write(app) + ",\"address\":"
        + CODEC.write(address) + ",\"attributes\":{},\"app_context\":{\"app_request_json\":"
        + CODEC.write(request) + ",\"deployed_app_json\":" + CODEC.write(deployedJson) + "}}]}";
    return CODEC.read(ctx, ResourceRemoteCommandContext.class);
  }

  private static String state(JsonNode details) {
    return property(details.path("vmInstanceData"), "State");
  }

  private static String property(JsonNode list, String key) {
    for (JsonNode p : list) {
      if (key.equals(p.path("key").asText())) {
        return p.path("value").asText();
      }
    }
    return fail("no property '%s' in %s", key, list);
  }

  // --- the daemons' side -------------------------------------------------------------------------

  private static String subnetPrefix() {
    String gw = libvirtd.managementGateway();
    return gw.substring(0, gw.lastIndexOf('.') + 1);
  }

  /** Pings from inside the daemon's namespace until the guest answers. */
  private static void awaitPing(String ip, String when) throws Exception {
    long deadline = System.nanoTime() + GUEST_UP.toNanos();
    ExecResult ping = null;
    while (System.nanoTime() < deadline) {
      ping = libvirtd.exec(Duration.ofSeconds(10), "/bin/busybox", "ping", "-c", "1", "-W", "1",
          ip);
      if (ping.ok()) {
        return;
      }
    }
    fail("guest %s did not answer ping %s within %s: %s", ip, when, GUEST_UP, ping);
  }

  private void assertNothingLeft(String when) throws Exception {
    assertNoDomainsPortsOrTaps(when);
    assertThat(volumes()).as("volumes of pool %s %s", libvirtd.storagePool(), when)
        .isEqualTo(volumesBefore);
  }

  private static void assertNoDomainsPortsOrTaps(String when) throws Exception {
    Connect c = libvirtd.connection();
    assertThat(c.listDomains()).as("running domains %s", when).isEmpty();
    assertThat(c.listDefinedDomains()).as("defined domains %s", when).isEmpty();
    assertThat(ports()).as("ports on %s %s", BRIDGE, when).isEmpty();
    assertThat(ovsdb.vsctl("--bare", "--columns=name", "list", "Interface").strip())
        .as("OVSDB Interface rows %s", when).isEqualTo(BRIDGE);
    assertThat(taps()).as("taps in netns %s %s", libvirtd.netns(), when).isEmpty();
  }

  private static List<String> ports() throws IOException {
    return ovsdb.vsctlNames("list-ports", BRIDGE);
  }

  /** Interfaces in the daemon's namespace named like Hangar's vNIC taps. */
  private static List<String> taps() throws IOException {
    ExecResult links = libvirtd.exec("ip", "-o", "link", "show");
    assertThat(links.ok()).as("ip link: %s", links).isTrue();
    List<String> out = new ArrayList<>();
    for (String line : links.stdout().split("\n")) {
      String[] f = line.split(":\\s+");
      if (f.length > 1) {
        String name = f[1].split("@")[0];
        if (TAP.matcher(name).matches()) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private static List<String> volumes() throws Exception {
    return LibvirtContents.poolContents(libvirtd);
  }

  private static void removeLeftovers() {
    if (libvirtd == null) {
      return;
    }
    try {
      Connect c = libvirtd.connection();
      for (int id : c.listDomains()) {
        Domain d = c.domainLookupByID(id);
        try {
          d.destroy();
        } finally {
          d.free();
        }
      }
      for (String name : c.listDefinedDomains()) {
        Domain d = c.domainLookupByName(name);
        try {
          d.undefine();
        } finally {
          d.free();
        }
      }
      for (String p : ports()) {
        ovsdb.vsctl("--if-exists", "del-port", BRIDGE, p);
      }
    } catch (LibvirtException | IOException | RuntimeException e) {
      System.err.println("KvmRealLibvirtdTest: could not remove leftovers: " + e.getMessage());
    }
  }

  private static long msSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  /** The recording orchestrator API, with the time of each progress line. */
  private static final class TimedApi {
    private final RecordingOrchestratorApi calls = RecordingOrchestratorApi.silent();
    private final List<Map.Entry<Long, String>> progress = new CopyOnWriteArrayList<>();
    private final OrchestratorApi api = new ProgressHookApi(calls,
        m -> progress.add(Map.entry(System.nanoTime(), m)));

    /** What the driver calls. */
    OrchestratorApi api() {
      return api;
    }

    List<ApiCall> calls(String method) {
      return calls.calls().stream().filter(c -> c.method().equals(method)).toList();
    }

    List<String> progress() {
      return progress.stream().map(Map.Entry::getValue).toList();
    }

    void clear() {
      calls.clear();
      progress.clear();
    }

    /** Milliseconds from the last progress line starting with {@code prefix} to {@code end}. */
    long msBetween(String prefix, long endNanos) {
      for (int i = progress.size() - 1; i >= 0; i--) {
        if (progress.get(i).getValue().startsWith(prefix)) {
          return TimeUnit.NANOSECONDS.toMillis(endNanos - progress.get(i).getKey());
        }
      }
      return fail("no progress line starting with '%s' in %s", prefix, progress());
    }
  }
}
