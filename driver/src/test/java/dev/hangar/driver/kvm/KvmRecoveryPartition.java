package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.KvmRecoveryRealTest.assertAnswersOnVlan;
import static dev.hangar.driver.kvm.KvmRecoveryRealTest.deploy;
import static dev.hangar.driver.kvm.KvmRecoveryRealTest.detailsRequest;
import static dev.hangar.driver.kvm.KvmRecoveryRealTest.results;
import static dev.hangar.driver.kvm.KvmRecoveryRealTest.setVlan10;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.testing.LibvirtdTcpLink;
import dev.hangar.driver.testing.NamespacedOvs;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.driver.testing.VlanPeer;
import dev.hangar.testing.Contexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The second half of {@link KvmRecoveryRealTest}, on its hypervisors: a real network partition.
 * Guest "db" runs on hv1 (reached over {@code qemu+tcp} and OVSDB over TCP, both across a
 * {@link LibvirtdTcpLink}) with its vNIC on VLAN 10; the link is cut while the guest runs on.
 *
 * <ol>
 *   <li>Recover during the partition returns within a bound (no hang on the cut host: the
 *       reachability round trip fails with libvirt's keepalive), refuses with the "disk is still
 *       in use ... fence ... call Recover again" error ({@link DiskInUse}), and leaves nothing on
 *       hv2: no domain, no port, the stored definition as it was (home hv1, generation 1). The
 *       guest runs on on hv1, the only copy.</li>
 *   <li>The admin fences hv1 (here: its qemu is killed, standing in for an out-of-band power
 *       off); Recover again brings the guest up on hv2, where it answers on VLAN 10.</li>
 *   <li>The link heals: the next command that looks the VM up (GetVmDetails) finds the stale,
 *       stopped generation-1 copy on hv1 and removes it with its port; exactly one copy runs, on
 *       hv2.</li>
 * </ol>
 */
final class KvmRecoveryPartition {
  /** Partition to Recover's answer: keepalive (about 20 s), a define and a failed start on hv2. */
  private static final Duration REFUSED_WITHIN = Duration.ofSeconds(90);
  /** A bound on any one command, so that a hang fails the test instead of stalling CI. */
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(300);

  private KvmRecoveryPartition() {}

  /** What the first half leaves running. */
  record Bed(CloudProviderDriver driver, Map<String, String> provider, Map<String, String> onHv1,
      LibvirtdTcpLink link, RealLibvirtd hv1, RealLibvirtd hv2, NamespacedOvs ovs1,
      NamespacedOvs ovs2, Path shared) {}

  static void run(Bed b) throws Exception {
    String hv1Uri = b.link().uri();
    Map<String, String> quick = new LinkedHashMap<>();
    quick.put("Wait for IP", "False");
    JsonNode db = deploy(b.driver(), b.onHv1(), "db", quick);
    String uuid = db.path("vmUuid").asText();
    String name = db.path("vmName").asText();
    DomainView view = DomainView.parse(b.hv1().connection().domainLookupByUUIDString(uuid)
        .getXMLDesc(0));
    String port = view.ovsNics().get(0).device();
    String mac = view.ovsNics().get(0).mac();
    setVlan10(b.driver(), b.provider(), uuid);

    // --- (a) the link is cut while db runs on hv1: Recover refuses, in bounds ----------------
    b.link().partition();
    long cut = System.nanoTime();
    String refused = bounded(() -> b.driver().recover(Contexts.resource(b.provider()), hv1Uri));
    long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    System.out.printf("KvmRecoveryPartition: Recover during the partition answered in %d ms: %s%n",
        refusedMs, refused);
    assertThat(refused).contains(name + " (" + uuid + "): not recovered: the disk of " + name
        + " is still in use").contains("lock").contains("Fence " + hv1Uri)
        .contains("call Recover again").doesNotContain("recovered from");
    assertThat(refusedMs).as("answered within the bound").isLessThan(REFUSED_WITHIN.toMillis());
    assertThat(b.hv2().connection().listDefinedDomains()).as("rolled back on hv2")
        .doesNotContain(name);
    assertThat(b.hv2().connection().numOfDomains()).isZero();
    assertThat(b.ovs2().ports()).as("no port left on hv2").doesNotContain(port);
    // (the volume is the XML padded with NULs to its fixed size)
    String xml = Files.readString(b.shared().resolve(StoredDefinitions.volumeName(uuid)))
        .split("\u0000", 2)[0];
    VmMetadata stored = DomainView.parse(xml).metadata();
    assertThat(stored.home()).as("the stored definition as it was").isEqualTo(hv1Uri);
    assertThat(stored.generation()).isEqualTo(1);
    assertThat(running(b.hv1().connection(), uuid)).as("db runs on on hv1").isTrue();

    // --- (b) the admin fences hv1 (its qemu stops); Recover again brings db up on hv2 --------
    b.hv1().killGuests();
    String recovered = bounded(() -> b.driver().recover(Contexts.resource(b.provider()),
        hv1Uri));
    assertThat(recovered).contains(name + " (" + uuid + "): recovered from " + hv1Uri + " on "
        + b.hv2().uri());
    assertThat(running(b.hv2().connection(), uuid)).isTrue();
    assertThat(b.ovs2().portColumn(port, "tag")).isEqualTo("10");
    try (VlanPeer peer = VlanPeer.start(b.hv2(), b.ovs2(), "hgpeer", 10, "10.77.11.", mac)) {
      assertAnswersOnVlan(peer, "db");
    }

    // --- (c) the link heals: the next command removes hv1's stale copy ----------------------
    b.link().heal();
    assertThat(b.hv1().connection().listDefinedDomains()).as("hv1 still holds the old copy")
        .contains(name);
    JsonNode details = KvmRecoveryRealTest.CODEC.readTree(bounded(() -> b.driver().getVmDetails(
        Contexts.resource(b.provider()), detailsRequest(db, name), CancellationContext.NONE)),
        "details");
    assertThat(details.get(0).path("errorMessage").asText()).isEmpty();
    assertThat(details.get(0).path("vmInstanceData").toString()).as("found on hv2")
        .contains("{\"key\":\"Hypervisor\",\"value\":\"" + b.hv2().uri() + "\"");
    assertThat(b.hv1().connection().listDefinedDomains()).as("the stale copy is removed")
        .doesNotContain(name);
    assertThat(b.ovs1().ports()).as("with its port").doesNotContain(port);
    assertThat(running(b.hv1().connection(), uuid)).isFalse();
    assertThat(running(b.hv2().connection(), uuid)).as("exactly one copy runs, on hv2").isTrue();

    results(bounded(() -> b.driver().deleteInstance(KvmTestbed.remote(b.provider(), db,
        Map.of()))));
    assertThat(b.hv2().connection().listDefinedDomains()).doesNotContain(name);
    assertThat(b.ovs2().ports()).doesNotContain(port);
  }

  private static boolean running(Connect conn, String uuid) throws LibvirtException {
    Domain d;
    try {
      d = conn.domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return false;
      }
      throw e;
    }
    try {
      return d.isActive() == 1;
    } finally {
      d.free();
    }
  }

  private static <T> T bounded(Supplier<T> call) throws Exception {
    return CompletableFuture.supplyAsync(call).get(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS);
  }
}
