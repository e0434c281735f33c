package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestHttp;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.Hypervisors;
import dev.hangar.driver.testing.LibvirtdTcpLink;
import dev.hangar.driver.testing.NamespacedOvs;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.driver.testing.VlanPeer;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.driver.embedded.LocalProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.StoragePool;

/**
 * Recovery of a dead hypervisor's VM on real libvirtds (qemu TCG). Hypervisors hv1 and hv2 form
 * area "east" and share one storage pool directory (the same path in both daemons' mount
 * namespaces); hv3 is area "west", listed first so that placement would pick it on a tie were
 * areas ignored. A template guest (bin/guest-image's disk) is deployed on hv1 and its OVS vNIC
 * put on VLAN 10. hv1's libvirtd and qemu are killed with SIGKILL; Recover defines the VM on hv2
 * from the stored definition and the disk in the shared pool (same UUID, name, MACs), makes its
 * port on hv2's OVS with tag 10, starts it, and the guest answers HTTP on hv2's management
 * network at the address given to the orchestrator (UpdateResourceAddress). hv1 comes back with
 * its old definition: Recover's sweep removes it (and its port), and only hv2's copy is left,
 * running; GetVmDetails reads it there. Then a guest "db" on hv1 whose host is cut off while
 * the guest runs on (libvirtd killed, its qemu left running, as a partition looks from the
 * driver): Recover defines it on hv2, whose qemu cannot take the disk qemu on hv1 still locks,
 * so the recovery is rolled back; when hv1's libvirtd returns, its guest is the only one.
 */
class KvmRecoveryRealTest {
  static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";
  private static final String TEMPLATE = "guest.qcow2";
  private static final String P = "Hangar Cloud Provider.";
  static final Duration GUEST_UP = Duration.ofSeconds(150);

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDeadHostsVmComesBackOnItsAreaAndTheStaleCopyIsRemovedWhenTheHostReturns()
      throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(NamespacedOvs.unavailableReason() == null, NamespacedOvs::unavailableReason);
    GuestImage image = GuestImage.build();
    Path shared = Files.createTempDirectory("hangar-area-pool-");
    CompletableFuture<RealLibvirtd> west = CompletableFuture.supplyAsync(() -> {
      try {
        return RealLibvirtd.start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (Hypervisors east = Hypervisors.start(2, BRIDGE, true);
        RealLibvirtd hv3 = west.get(5, TimeUnit.MINUTES);
        LibvirtdTcpLink link = LibvirtdTcpLink.open(east.get(0).libvirtd())) {
      RealLibvirtd hv1 = east.get(0).libvirtd();
      RealLibvirtd hv2 = east.get(1).libvirtd();
      NamespacedOvs ovs1 = east.get(0).ovs();
      NamespacedOvs ovs2 = east.get(1).ovs();
      // hv1 is a remote host, reached over TCP across the link that the partition cuts (its
      // libvirtd and its OVSDB both); the test watches it through the daemon's unix socket.
      String hv1Uri = link.uri();
      String hv1Ovsdb = ovs1.listenTcp(link.address(), 6640);
      Files.copy(image.disk(), shared.resolve(TEMPLATE), StandardCopyOption.REPLACE_EXISTING);
      sharePool(hv1.connection(), shared);
      sharePool(hv2.connection(), shared);

      Map<String, String> provider = new LinkedHashMap<>(Contexts.kvmAttributes());
      provider.putAll(hv1.providerAttributes());
      provider.put(P + "OVS Bridge", BRIDGE);
      provider.put(P + "Hypervisors", hv3.uri() + "," + hv1Uri + "," + hv2.uri());
      provider.put(P + "OVSDB Remote", "unix:/nonexistent/db.sock," + hv1Ovsdb + ","
          + ovs2.unixRemote());
      provider.put(P + "Areas", "east: " + hv1Uri + ", " + hv2.uri() + "; west: " + hv3.uri());
      // Deploy through a provider naming hv1 only, so the guest starts there.
      Map<String, String> onHv1 = new LinkedHashMap<>(provider);
      onHv1.put(P + "Hypervisors", hv1Uri);
      onHv1.put(P + "OVSDB Remote", hv1Ovsdb);
      onHv1.put(P + "Areas", "east: " + hv1Uri);

      RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
      try (KvmBackendProvider backends = new KvmBackendProvider(OvsdbConnectors::standard,
          new KvmTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(3),
              Duration.ofMillis(250), KvmTimeouts.Sleeper.REAL))) {
        CloudProviderDriver driver = new CloudProviderDriver(BackendRegistry.empty()
            .register(backends), c -> api);
        JsonNode web = deploy(driver, onHv1, "web", Map.of());
        String uuid = web.path("vmUuid").asText();
        String name = web.path("vmName").asText();
        Domain first = hv1.connection().domainLookupByUUIDString(uuid);
        DomainView before = DomainView.parse(first.getXMLDesc(0));
        String port = before.ovsNics().get(0).device();
        assertThat(new GuestHttp(hv1, web.path("deployedAppAddress").asText(), "web on hv1")
            .get("/cgi-bin/status")).as("the guest answers on hv1").isNotNull();
        setVlan10(driver, provider, uuid);
        assertThat(ovs1.portColumn(port, "tag")).isEqualTo("10");

        // --- hv1 dies: its libvirtd and the guest's qemu, SIGKILL ---------------------------
        hv1.killDaemonAndGuests();
        String out = driver.recover(Contexts.resource(provider), hv1Uri);
        assertThat(out).contains(name + " (" + uuid + "): recovered from " + hv1Uri + " on "
            + hv2.uri());
        Domain moved = hv2.connection().domainLookupByUUIDString(uuid);
        assertThat(moved.isActive()).isEqualTo(1);
        DomainView after = DomainView.parse(moved.getXMLDesc(0));
        assertThat(after.name()).isEqualTo(name);
        assertThat(after.nics()).extracting(DomainView.NicView::mac)
            .containsExactlyElementsOf(before.nics().stream().map(DomainView.NicView::mac)
                .toList());
        assertThat(after.metadata().home()).isEqualTo(hv2.uri());
        assertThat(after.metadata().generation()).isEqualTo(2);
        assertThat(after.metadata().vlanOf(port).tag()).isEqualTo(10);
        assertThat(ovs2.portColumn(port, "tag")).isEqualTo("10");
        assertThat(hv3.connection().listDefinedDomains()).as("hv3 is outside the area")
            .isEmpty();
        assertThat(hv3.connection().numOfDomains()).isZero();
        List<String> updates = new ArrayList<>();
        api.calls().stream().filter(c -> c.method().equals("UpdateResourceAddress"))
            .forEach(c -> updates.add(String.valueOf(c.args())));
        assertThat(updates).as("the address went to the orchestrator").isNotEmpty();
        String ip = out.substring(out.indexOf(", address ") + ", address ".length()).strip();
        assertThat(updates.get(updates.size() - 1)).contains(name).contains(ip);
        assertThat(awaitHttp(new GuestHttp(hv2, ip, "web on hv2")))
            .as("the recovered guest answers on hv2").isNotNull();
        // It answers on VLAN 10 of hv2's bridge, and only there.
        try (VlanPeer peer = VlanPeer.start(hv2, ovs2, "hgpeer", 10, "10.77.10.",
            before.ovsNics().get(0).mac())) {
          assertAnswersOnVlan(peer, "web");
          peer.retag(20);
          for (int i = 0; i < 3; i++) {
            assertThat(peer.ping(peer.guestAddress())).as("a peer on VLAN 20 reaches it")
                .isFalse();
          }
          peer.retag(10);
          assertThat(peer.awaitPing(peer.guestAddress(), Duration.ofSeconds(30)))
              .as("back on VLAN 10 the peer reaches it again").isTrue();
        }

        // --- hv1 returns with its old definition: the sweep removes it ----------------------
        hv1.restartDaemon();
        assertThat(hv1.connection().listDefinedDomains()).as("the stale copy is back")
            .contains(name);
        String sweep = driver.recover(Contexts.resource(provider), "");
        assertThat(sweep).contains(name + " (" + uuid + "): removed the stale copy on "
            + hv1Uri);
        assertThat(hv1.connection().listDefinedDomains()).doesNotContain(name);
        assertThat(hv1.connection().numOfDomains()).isZero();
        assertThat(ovs1.ports()).doesNotContain(port);
        assertThat(hv2.connection().domainLookupByUUIDString(uuid).isActive()).isEqualTo(1);
        JsonNode details = CODEC.readTree(driver.getVmDetails(Contexts.resource(provider),
            detailsRequest(web, name), CancellationContext.NONE), "details");
        assertThat(details.get(0).path("errorMessage").asText()).isEmpty();

        results(driver.deleteInstance(KvmTestbed.remote(provider, web, Map.of())));
        assertThat(hv2.connection().listDefinedDomains()).doesNotContain(name);
        try (var files = Files.list(shared)) {
          assertThat(files.map(f -> f.getFileName().toString()).toList())
              .as("disk and stored definition deleted").containsExactly(TEMPLATE);
        }

        KvmRecoveryPartition.run(new KvmRecoveryPartition.Bed(driver, provider, onHv1, link,
            hv1, hv2, ovs1, ovs2, shared));
      }
    } finally {
      LocalProcesses.deleteTree(shared);
    }
  }

  static void setVlan10(CloudProviderDriver driver, Map<String, String> provider, String uuid) {
    JsonNode set = results(driver.applyConnectivityChanges(Contexts.resource(provider),
        Contexts.request(Contexts.setVlan("vlan-" + uuid, uuid, "10"))));
    assertThat(set.get(0).path("success").asBoolean()).as(set.toString()).isTrue();
  }

  /** The guest's OVS vNIC took the peer's DHCP offer on VLAN 10, answers ping and HTTP there. */
  static void assertAnswersOnVlan(VlanPeer peer, String app) throws Exception {
    assertThat(peer.awaitPing(peer.guestAddress(), GUEST_UP))
        .as("%s answers ping from a peer on VLAN 10; the peer's DHCP log:%n%s", app,
            peer.log()).isTrue();
    assertThat(peer.http(app + " on VLAN 10").get("/cgi-bin/status")).as("%s answers HTTP on VLAN 10", app)
        .contains(" " + peer.guestAddress() + "/24");
  }

  /** Points the host's pool at {@code shared} (autostarted: it must be back after a restart). */
  private static void sharePool(Connect conn, Path shared) throws Exception {
    StoragePool old = conn.storagePoolLookupByName(RealLibvirtd.STORAGE_POOL);
    old.destroy();
    old.undefine();
    StoragePool pool = conn.storagePoolDefineXML("<pool type='dir'><name>"
        + RealLibvirtd.STORAGE_POOL + "</name><target><path>" + shared
        + "</path></target></pool>", 0);
    pool.create(0);
    pool.setAutostart(1);
    pool.free();
  }

  static JsonNode deploy(CloudProviderDriver driver, Map<String, String> provider,
      String app, Map<String, String> extra) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Template", TEMPLATE);
    attrs.put("NIC Count", "1");
    attrs.put("Wait for IP", "True");
    attrs.put("Refresh IP Timeout", Long.toString(GUEST_UP.toSeconds()));
    attrs.putAll(extra);
    JsonNode r = results(driver.deploy(Contexts.resource(provider), Contexts.request(
        KvmTestbed.deployApp("deploy-" + app, app, KvmTestbed.PATH_TEMPLATE, attrs)),
        CancellationContext.NONE)).get(0);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  static String detailsRequest(JsonNode web, String name) {
    Map<String, Object> deployed = Map.of("name", name, "vmdetails", Map.of("uid",
        web.path("vmUuid").asText(), "vmCustomParams", List.of()));
    Map<String, Object> item = Map.of("appRequestJson", Map.of("name", name),
        "deployedAppJson", deployed);
    return CODEC.write(Map.of("items", List.of(item)));
  }

  static JsonNode results(String out) {
    if (out.isEmpty()) {
      return CODEC.readTree("[]", "response");
    }
    return CODEC.readTree(out, "response").path("driverResponse").path("actionResults");
  }

  static String awaitHttp(GuestHttp http) throws Exception {
    long deadline = System.nanoTime() + GUEST_UP.toNanos();
    while (System.nanoTime() < deadline) {
      String s = http.get("/cgi-bin/status");
      if (s != null) {
        return s;
      }
      Thread.sleep(1000);
    }
    return null;
  }
}
