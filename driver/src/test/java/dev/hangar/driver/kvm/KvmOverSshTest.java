package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.PrivateSshd;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * A remote KVM hypervisor reached over SSH, through the driver: a real {@code sshd} on a loopback
 * port ({@link PrivateSshd}) in front of a real, isolated libvirtd ({@link RealLibvirtd}) and a
 * private ovsdb-server. The provider names the host as
 * {@code qemu+ssh://127.0.0.1:PORT/system?socket=<daemon socket>}, the login user in
 * {@code SSH User} and the key in {@code SSH Private Key} (encrypted as the platform sends it,
 * decrypted through the orchestrator API), and the OVSDB as {@code unix:/…/db.sock} on that host,
 * which the driver reaches through an SSH tunnel. So libvirt's own ssh transport (OpenSSH, then
 * {@code nc -U} on the host) and the driver's SSH client (OVSDB over a forwarded unix socket)
 * both run for real.
 *
 * <p>The daemon's socket lives in the fixture's temp dir, which is the same path in the daemon's
 * private mount namespace and on the host, so a login on the host reaches it; {@code socket=}
 * makes libvirt use its netcat proxy there ({@code virt-ssh-helper} would open the host's
 * {@code /run/libvirt} socket, which is not this daemon's). Hence {@code netcat-openbsd} in
 * {@code bin/deps vm}.
 *
 * <p>Skipped only where the fixtures say they cannot run (not root, packages missing); CI runs
 * {@code bin/deps} first, so it runs there.
 */
class KvmOverSshTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String P = "Hangar Cloud Provider.";
  private static final String BRIDGE = "br-int";
  /** The key attribute's value as the platform sends it; the fake API decrypts it. */
  private static final String ENCRYPTED_KEY = "ZW5jcnlwdGVkIGh5cGVydmlzb3Iga2V5";
  private static final KvmTimeouts TIMEOUTS = new KvmTimeouts(Duration.ofSeconds(20),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(200),
      KvmTimeouts.Sleeper.REAL);

  private static GuestImage image;
  private static RealLibvirtd libvirtd;
  private static PrivateSshd sshd;
  private static PrivateOvsdbServer ovsdb;
  private static Path keys;

  private final List<KvmBackendProvider> providers = new ArrayList<>();
  private LogCapture logs;

  @BeforeAll
  static void startHost() throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed (bin/deps runtime"
        + " installs openssh-server)");
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    // Not a skip: a machine with the vm packages has it once bin/deps vm ran again.
    assertThat(onPath("nc")).as("libvirt's ssh transport runs `nc -U <socket>` on the host;"
        + " netcat-openbsd is missing: run bin/deps vm").isTrue();
    // Before the first libvirt connection, as the backend does, so remote connections get
    // keepalives from the start.
    LibvirtEventLoop.ensureRunning();
    image = GuestImage.build();
    keys = Files.createTempDirectory("hangar-kvm-ssh-test-");
    libvirtd = RealLibvirtd.start();
    sshd = PrivateSshd.start();
    ovsdb = PrivateOvsdbServer.start(BRIDGE);
  }

  @AfterAll
  static void stopHost() {
    if (ovsdb != null) {
      ovsdb.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (libvirtd != null) {
      libvirtd.close();
    }
    LocalProcesses.deleteTree(keys);
  }

  @BeforeEach
  void captureLogs() {
    logs = new LogCapture();
  }

  @AfterEach
  void closeProviders() {
    providers.forEach(KvmBackendProvider::close);
    logs.close();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void deploysInspectsAndDeletesAVmOnAHypervisorReachedOverSsh() throws Exception {
    long t0 = System.nanoTime();
    RecordingOrchestratorApi api = decrypting(sshd.privateKeyPem());
    CloudProviderDriver driver = driver(api);
    String uri = sshUri(sshd.port());
    Map<String, String> attrs = attributes(uri);

    String inventory = driver.getInventory(Contexts.autoload(attrs));
    long inventoryMs = msSince(t0);
    assertThat(CODEC.readTree(inventory, "inventory").path("resources")).isEmpty();
    assertThat(api.calls()).as("the key is decrypted through the orchestrator API")
        .contains(new ApiCall("DecryptPassword", List.of(ENCRYPTED_KEY)));
    assertThat(sshd.log()).as("libvirt logged in with the provider's key, as SSH User")
        .contains("Accepted publickey for " + sshd.user());

    long deployAt = System.nanoTime();
    Map<String, String> kernel = new LinkedHashMap<>();
    kernel.put("Kernel", image.kernel().toString());
    kernel.put("Initrd", image.initrd().toString());
    kernel.put("Kernel Cmdline", GuestImage.CMDLINE);
    kernel.put("NIC Count", "1");
    kernel.put("Wait for IP", "False");
    JsonNode vm = CODEC.readTree(driver.deploy(Contexts.resource(attrs), Contexts.request(
            KvmTestbed.deployApp("act-ssh-1", "web", KvmTestbed.PATH_KERNEL, kernel)),
            CancellationContext.NONE), "response")
        .path("driverResponse").path("actionResults").get(0);
    long deployMs = msSince(deployAt);
    assertThat(vm.path("success").asBoolean()).as("%s\nlibvirtd.log:\n%s", vm,
        libvirtd.libvirtdLog(20)).isTrue();
    assertThat(vm.path("deployedAppAdditionalData").path("hypervisor").asText()).isEqualTo(uri);

    // The daemon itself, not the driver's connection, has the running guest ...
    Connect daemon = libvirtd.connection();
    Domain domain = daemon.domainLookupByUUIDString(vm.path("vmUuid").asText());
    String tap;
    try {
      assertThat(domain.getName()).isEqualTo(vm.path("vmName").asText());
      assertThat(domain.isActive()).isEqualTo(1);
      DomainView view = DomainView.parse(domain.getXMLDesc(0));
      assertThat(view.metadata().appName()).isEqualTo("web");
      assertThat(view.nics()).hasSize(2);
      assertThat(view.nics().get(0).network()).isEqualTo(libvirtd.managementNetwork());
      assertThat(view.ovsNics()).hasSize(1);
      tap = view.ovsNics().get(0).device();
    } finally {
      domain.free();
    }
    // ... qemu made its tap in the daemon's namespace, and the OVSDB reached over SSH has the
    // port, parked on the dead VLAN.
    assertThat(libvirtd.exec("ip", "link", "show", "dev", tap).ok()).as("tap " + tap).isTrue();
    assertThat(ports()).containsExactly(tap);
    assertThat(ovsdb.vsctl("get", "port", tap, "tag").strip()).isEqualTo("4095");

    String detailsRequest = CODEC.write(Map.of("items", List.of(Map.of("deployedAppJson",
        Map.of("name", "web", "vmdetails", Map.of("uid", vm.path("vmUuid").asText()))))));
    JsonNode details = CODEC.readTree(driver.getVmDetails(Contexts.resource(attrs),
        detailsRequest, CancellationContext.NONE), "details");
    assertThat(details).hasSize(1);
    assertThat(details.get(0).path("appName").asText()).isEqualTo("web");
    assertThat(details.get(0).path("errorMessage").asText()).isEmpty();
    assertThat(details.get(0).path("vmInstanceData").toString()).contains("running")
        .contains(uri);
    assertThat(details.get(0).path("vmNetworkData")).hasSize(2);
    assertThat(details.get(0).path("vmNetworkData").get(1).path("networkData").toString())
        .contains("parked on 4095");

    long deleteAt = System.nanoTime();
    driver.deleteInstance(remote(attrs, vm));
    long deleteMs = msSince(deleteAt);
    assertThat(daemon.listDomains()).as("running domains").isEmpty();
    assertThat(daemon.listDefinedDomains()).as("defined domains").isEmpty();
    assertThat(ports()).as("ports on " + BRIDGE).isEmpty();
    assertThat(libvirtd.exec("ip", "link", "show", "dev", tap).ok()).as("tap " + tap + " left")
        .isFalse();
    // Deleting again (teardown retries) is success.
    driver.deleteInstance(remote(attrs, vm));

    assertNoSecretIn(logs.text(), sshd.privateKeyPem());
    assertNoSecretIn(api.calls().toString(), sshd.privateKeyPem());
    System.out.printf("KvmOverSshTest: get_inventory over ssh %d ms, Deploy %d ms,"
        + " DeleteInstance %d ms, whole test %d ms%n", inventoryMs, deployMs, deleteMs,
        msSince(t0));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWrongKeyOrAStoppedSshdFailsInventoryNamingTheAttributesAndNeverShowsTheKey()
      throws Exception {
    String wrongKey = newKey();
    RecordingOrchestratorApi api = decrypting(wrongKey);
    Map<String, String> attrs = attributes(sshUri(sshd.port()));
    Throwable wrong = catchThrowable(() -> driver(api).getInventory(Contexts.autoload(attrs)));
    assertThat(wrong).isInstanceOf(HangarException.class);
    assertThat(wrong.getMessage()).contains("'Hypervisors'").contains("SSH attributes")
        .contains("127.0.0.1:" + sshd.port()).contains("Permission denied");
    assertNoSecretIn(wrong.getMessage(), wrongKey);
    assertNoSecretIn(logs.text(), wrongKey);
    assertNoSecretIn(api.calls().toString(), wrongKey);

    // The right key but a user the host does not have: libvirt must log in as 'SSH User' too,
    // not as whoever runs the driver.
    Map<String, String> nobody = attributes(sshUri(sshd.port()));
    nobody.put(P + "SSH User", "hangar-no-such-user");
    assertThatThrownBy(() -> driver(decrypting(sshd.privateKeyPem()))
        .getInventory(Contexts.autoload(nobody)))
        .hasMessageContaining("'Hypervisors'")
        .hasMessageContaining("hangar-no-such-user");

    // An sshd that is gone refuses at once.
    int deadPort;
    try (PrivateSshd gone = PrivateSshd.start()) {
      deadPort = gone.port();
    }
    Map<String, String> dead = attributes(sshUri(deadPort));
    long at = System.nanoTime();
    Throwable refused = catchThrowable(() -> driver(decrypting(sshd.privateKeyPem()))
        .getInventory(Contexts.autoload(dead)));
    assertThat(refused).isInstanceOf(HangarException.class);
    assertThat(refused.getMessage()).contains("'Hypervisors'").contains("SSH attributes")
        .contains("127.0.0.1:" + deadPort).contains("Connection refused");
    assertThat(msSince(at)).as("a refused connection is not waited out").isLessThan(10_000);
    assertNoSecretIn(refused.getMessage(), sshd.privateKeyPem());
    assertNoSecretIn(logs.text(), sshd.privateKeyPem());
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The host as the provider names it; the login user comes from 'SSH User'. */
  private static String sshUri(int port) {
    return "qemu+ssh://127.0.0.1:" + port + "/system?socket="
        + libvirtd.dir().resolve("run/libvirt-sock");
  }

  private static Map<String, String> attributes(String uri) {
    Map<String, String> a = new LinkedHashMap<>(Contexts.kvmAttributes());
    a.put(P + "Hypervisors", uri);
    a.put(P + "SSH User", sshd.user());
    a.put(P + "SSH Private Key", ENCRYPTED_KEY);
    a.put(P + "OVS Bridge", BRIDGE);
    a.put(P + "OVSDB Remote", ovsdb.unixRemote());
    a.put(P + "Storage Pool", libvirtd.storagePool());
    a.put(P + "Management Network", libvirtd.managementNetwork());
    a.put(P + "Virtualization", "TCG");
    return a;
  }

  private static RecordingOrchestratorApi decrypting(String key) {
    return new RecordingOrchestratorApi(Map.of(ENCRYPTED_KEY, key), null);
  }

  /** A driver with a KVM backend of its own (so no connection is shared between cases). */
  private CloudProviderDriver driver(RecordingOrchestratorApi api) {
    KvmBackendProvider provider = new KvmBackendProvider(OvsdbConnectors::standard, TIMEOUTS);
    providers.add(provider);
    return new CloudProviderDriver(BackendRegistry.empty().register(provider), c -> api);
  }

  /** A remote context for a deployed app, as the server builds it from the DeployApp result. */
  private static ResourceRemoteCommandContext remote(Map<String, String> attrs, JsonNode vm) {
    List<Map<String, String>> custom = new ArrayList<>();
    vm.path("deployedAppAdditionalData").properties().forEach(e -> custom.add(
        Map.of("name", e.getKey(), "value", e.getValue().asText())));
    String app = vm.path("vmName").asText();
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid",
        vm.path("vmUuid").asText(), "vmCustomParams", custom)));
    String request = CODEC.write(Map.of("name", app, "deploymentService",
        Map.of("model", KvmTestbed.PATH_KERNEL, "attributes", List.of())));
    String ctx = "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\""
        + Contexts.TOKEN + "\"},\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\","
        + "\"model\":\"Hangar Cloud Provider\",\"attributes\":" + CODEC.write(attrs) + "},"
        + "\"remote_reservation\":{\"reservation_id\":\"res-1\"},\"remote_endpoints\":[{"
        + "\"name\":" + CODEC.write(app) + ",\"fullname\":" + CODEC.write(app)
        + ",\"address\":\"\",\"attributes\":{},\"app_context\":{\"app_request_json\":"
        + CODEC.write(request) + ",\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}";
    return CODEC.read(ctx, ResourceRemoteCommandContext.class);
  }

  private static List<String> ports() throws IOException {
    return ovsdb.vsctlNames("list-ports", BRIDGE);
  }

  /** Neither the key nor any line of its body (nor the encrypted value's plain text) shows. */
  private static void assertNoSecretIn(String text, String key) {
    assertThat(text).doesNotContain(key.strip());
    for (String line : key.strip().split("\n")) {
      if (!line.startsWith("-----")) {
        assertThat(text).as("a line of the private key").doesNotContain(line.strip());
      }
    }
  }

  /** A fresh ed25519 key the host does not know, as text. */
  private static String newKey() throws IOException, InterruptedException {
    Path file = keys.resolve("wrong-" + System.nanoTime());
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
        "not-authorized", "-f", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    return Files.readString(file);
  }

  private static boolean onPath(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static long msSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
