package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.VlanRequests.apply;
import static dev.hangar.driver.kvm.VlanRequests.removeVlan;
import static dev.hangar.driver.kvm.VlanRequests.setVlan;
import static dev.hangar.driver.kvm.VlanRequests.withVnic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestHttp;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.Hypervisors;
import dev.hangar.driver.testing.NamespacedOvs;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import dev.hangar.driver.testing.TapCapture;
import dev.hangar.driver.testing.VxlanUnderlay;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Domain;

/**
 * VLAN Type VXLAN end to end: three hypervisors, each a real libvirtd (qemu, TCG) with its own
 * ovsdb-server and netdev ovs-vswitchd in its own network namespace, their tunnel endpoints on
 * one IP segment ({@link VxlanUnderlay}), and a real guest on each (bin/guest-image: eth0 on the
 * host's management network, eth1 and eth2 vNICs on br-int with static addresses).
 *
 * <p>One libvirtd per hypervisor rather than one shared daemon: a hypervisor is a libvirt URI
 * to the driver, and the driver finds a VM by asking its hypervisor, so three URIs onto one
 * daemon would each see every guest. Each daemon's taps then live in its own namespace with
 * its own vswitchd, as on real hosts.
 *
 * <p>Steps: VNI 5001 on every guest's eth1 and VNI 5002 on the eth2 of guests 1 and 2 → a full
 * mesh of tunnels for 5001, one pair for 5002, and guests reach each other across hosts; an ARP
 * broadcast of guest 1 on 5001 reaches guests 2 and 3 exactly as often as guest 1 sent it, and
 * neither comes back to guest 1 nor leaks onto 5002's vNICs; guest 3's eth1 moves to 5002 → host
 * 3 keeps no tunnel of 5001, and guests 1 and 2 no longer reach it; removeVlan of that vNIC (the
 * last of 5002 on host 3) → host 3 has no tunnels left, hosts 1 and 2 none to host 3, and they
 * still reach each other on both VNIs.
 *
 * <p>Needs root and the packages of {@code bin/deps vm} (and tcpdump): skipped without them,
 * except on CI ({@code CI=true}), where it fails.
 */
class KvmVxlanEndToEndTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String P = "Hangar Cloud Provider.";
  private static final String PATH = "Hangar Cloud Provider.KVM VM From Kernel";
  private static final String BRIDGE = "br-int";
  private static final int HOSTS = 3;
  private static final String VNI_A = "5001";
  private static final String VNI_B = "5002";
  /** An address on VNI A's subnet that no guest has: pinging it makes the guest ARP for it. */
  private static final String NOBODY = "10.50.0.99";
  /** Bounds on a busy shared machine: guests boot in ~10 s under TCG when it is idle. */
  private static final Duration DEPLOY_IP_WAIT = Duration.ofSeconds(300);
  private static final Duration GUEST_READY = Duration.ofSeconds(120);
  private static final Duration REACH = Duration.ofSeconds(90);

  private final RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
  private List<RealLibvirtd> hosts = List.of();
  private List<NamespacedOvs> switches = List.of();
  private final List<String> timings = new ArrayList<>();
  private List<String> endpoints;
  private CloudProviderDriver driver;
  private long mark;

  /** A deployed guest on host {@code h}: its Deploy result, its httpd, its two OVS taps. */
  private record Guest(int h, JsonNode deployed, GuestHttp http, String eth1, String eth2) {
    String label() {
      return http.label();
    }

    void awaitReach(String dst) throws Exception {
      http.awaitReach(dst, REACH);
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void guestsOnOneVniReachEachOtherAcrossThreeHostsAndNoOthers() throws Exception {
    requireDaemons();
    long t0 = System.nanoTime();
    mark = t0;
    GuestImage image = GuestImage.build();
    try (Hypervisors hv = Hypervisors.start(HOSTS, BRIDGE);
        VxlanUnderlay underlay = VxlanUnderlay.connect(hv.libvirtds(), hv.switches());
        KvmBackendProvider provider = new KvmBackendProvider()) {
      hosts = hv.libvirtds();
      switches = hv.switches();
      endpoints = underlay.endpoints();
      driver = new CloudProviderDriver(BackendRegistry.empty().register(provider), c -> api);
      lap("3 x (libvirtd + ovsdb-server + ovs-vswitchd) and the tunnel endpoints' segment up");
      try {
        scenario(image);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
      }
    }
    lap("everything stopped");
    System.out.printf("KvmVxlanEndToEndTest: %s; whole test %d ms%n", String.join(", ", timings),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private void scenario(GuestImage image) throws Exception {
    List<CompletableFuture<JsonNode>> deploys = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      int n = h + 1;
      deploys.add(deploy(h, image, "hangar.ip=eth1:10.50.0." + n + "/24 hangar.ip=eth2:10.51.0."
          + n + "/24"));
    }
    List<Guest> g = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      g.add(guest(h, deploys.get(h).get(DEPLOY_IP_WAIT.toSeconds() + 60, TimeUnit.SECONDS)));
    }
    lap("3 guests deployed with a lease");
    for (Guest x : g) {
      upTaps(x);
      x.http().awaitAddresses(GUEST_READY, "eth1 10.50.0." + (x.h() + 1) + "/24",
          "eth2 10.51.0." + (x.h() + 1) + "/24");
    }
    lap("guests configured");

    // --- VNI A on every eth1, VNI B on the eth2 of guests 1 and 2 ------------------------------
    JsonNode r = apply(driver, all(), setVlan("a1", g.get(0).deployed(), VNI_A, "Access"),
        setVlan("a2", g.get(1).deployed(), VNI_A, "Access"),
        setVlan("a3", g.get(2).deployed(), VNI_A, "Access"),
        withVnic(setVlan("b1", g.get(0).deployed(), VNI_B, "Access"), "2"),
        withVnic(setVlan("b2", g.get(1).deployed(), VNI_B, "Access"), "2"));
    assertOk(r);
    assertThat(tunnels(0)).containsExactlyInAnyOrder(t(VNI_A, 1), t(VNI_A, 2), t(VNI_B, 1));
    assertThat(tunnels(1)).containsExactlyInAnyOrder(t(VNI_A, 0), t(VNI_A, 2), t(VNI_B, 0));
    assertThat(tunnels(2)).containsExactlyInAnyOrder(t(VNI_A, 0), t(VNI_A, 1));
    g.get(0).awaitReach("10.50.0.2");
    g.get(0).awaitReach("10.50.0.3");
    g.get(1).awaitReach("10.50.0.3");
    g.get(0).awaitReach("10.51.0.2");
    lap("VNI " + VNI_A + " across 3 hosts, " + VNI_B + " across 2: they reach each other");

    // --- a broadcast on VNI A: once at each other guest, never back, never on VNI B -----------
    arpCount(g);
    lap("an ARP broadcast counted at every guest");

    // --- guest 3's eth1 moves to VNI B: host 3 leaves A, and A's guests no longer reach it ---
    JsonNode moved = apply(driver, all(), withVnic(setVlan("b3", g.get(2).deployed(), VNI_B,
        "Access"), "1"));
    assertOk(moved);
    assertThat(tunnels(0)).containsExactlyInAnyOrder(t(VNI_A, 1), t(VNI_B, 1), t(VNI_B, 2));
    assertThat(tunnels(1)).containsExactlyInAnyOrder(t(VNI_A, 0), t(VNI_B, 0), t(VNI_B, 2));
    assertThat(tunnels(2)).containsExactlyInAnyOrder(t(VNI_B, 0), t(VNI_B, 1));
    for (int h = 0; h < HOSTS; h++) {
      switches.get(h).awaitApplied();
    }
    // (Only from A's side: guest 3 would find 10.50.0.1 through guest 1's eth2 on B, as Linux
    // answers ARP for any of its addresses on any NIC.)
    assertNoReach(g.get(0), "10.50.0.3");
    assertNoReach(g.get(1), "10.50.0.3");
    g.get(0).awaitReach("10.50.0.2");
    lap("guest 3 on " + VNI_B + ": A's guests do not reach it");

    // --- removeVlan of the last vNIC of B on host 3: its tunnels and the peers' to it go ------
    String mac = moved.get(0).path("updatedInterface").asText();
    assertThat(mac).isEqualTo(nics(g.get(2)).get(1)[0]);
    assertOk(apply(driver, all(), removeVlan("rm3", g.get(2).deployed(), VNI_B, mac)));
    assertThat(tunnels(2)).isEmpty();
    assertThat(tunnels(0)).containsExactlyInAnyOrder(t(VNI_A, 1), t(VNI_B, 1));
    assertThat(tunnels(1)).containsExactlyInAnyOrder(t(VNI_A, 0), t(VNI_B, 0));
    assertThat(bridgeExternalIds(2)).doesNotContain("hangar-vni-");
    g.get(0).awaitReach("10.50.0.2");
    g.get(1).awaitReach("10.51.0.1");
    lap("removeVlan on host 3: its tunnels and its peers' to it gone, 1 <-> 2 still");

    for (Guest x : g) {
      driver.deleteInstance(KvmTestbed.remote(all(), x.deployed(), Map.of()));
    }
    for (int h = 0; h < HOSTS; h++) {
      assertThat(hosts.get(h).connection().listDomains()).isEmpty();
      assertThat(tunnels(h)).as("tunnels of host %d after the deletes", h + 1).isEmpty();
    }
    lap("deleted");
  }

  /**
   * Guest 1 pings an address nobody has, so its kernel broadcasts ARP requests for it on VNI A;
   * tcpdump counts them on every guest tap. Without {@code protected} tunnel ports, hosts 2 and 3
   * would flood what one sent them into their tunnel to the other: each guest would see each
   * request twice, and the full mesh would loop it.
   */
  private void arpCount(List<Guest> g) throws Exception {
    String filter = "arp and arp[6:2] = 1 and arp[24:4] = 0x0a320063"; // who-has 10.50.0.99
    List<TapCapture> captures = new ArrayList<>();
    try {
      // in order: what guest 1 sent; what guests 1, 2, 3 were given on eth1 (VNI A); what
      // guests 1 and 2 were given on eth2 (VNI B)
      captures.add(TapCapture.start(hosts.get(0), g.get(0).eth1(), "in", filter));
      for (Guest x : g) {
        captures.add(TapCapture.start(hosts.get(x.h()), x.eth1(), "out", filter));
      }
      for (Guest x : g.subList(0, 2)) {
        captures.add(TapCapture.start(hosts.get(x.h()), x.eth2(), "out", filter));
      }
      assertThat(g.get(0).http().ping(NOBODY, 1).ok()).as("nobody has " + NOBODY).isFalse();
      // The kernel retries an unanswered ARP a few times, a second apart: wait until guest 1
      // has sent its last and no count moved for 5 s, then judge that one reading.
      List<Integer> counts = counts(captures);
      long stableSince = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline && (counts.get(0) == 0
          || System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(5))) {
        Thread.sleep(250);
        List<Integer> now = counts(captures);
        if (!now.equals(counts)) {
          counts = now;
          stableSince = System.nanoTime();
        }
      }
      int n = counts.get(0);
      timings.add("ARP requests sent by guest 1: " + n + ", delivered: " + counts.subList(1, 4)
          + ", on " + VNI_B + ": " + counts.subList(4, 6));
      assertThat(n).as("ARP requests guest 1 sent for " + NOBODY).isPositive();
      assertThat(counts.get(1)).as("requests of guest 1 back at guest 1").isZero();
      assertThat(counts.get(2)).as("requests of guest 1 at guest 2 (host 2)").isEqualTo(n);
      assertThat(counts.get(3)).as("requests of guest 1 at guest 3 (host 3)").isEqualTo(n);
      assertThat(counts.subList(4, 6)).as("requests on VNI A at the vNICs of VNI B")
          .containsOnly(0);
    } finally {
      captures.forEach(TapCapture::close);
    }
  }

  private static List<Integer> counts(List<TapCapture> captures) throws Exception {
    List<Integer> counts = new ArrayList<>();
    for (TapCapture c : captures) {
      counts.add(c.frames().size());
    }
    return counts;
  }

  // --- the driver, as the orchestrator calls it ----------------------------------------------

  /** The provider naming all three hypervisors. */
  private Map<String, String> all() {
    Map<String, String> a = provider(0);
    a.put(P + "Hypervisors", String.join(",", hosts.stream().map(RealLibvirtd::uri).toList()));
    a.put(P + "OVSDB Remote", String.join(",", switches.stream().map(NamespacedOvs::unixRemote)
        .toList()));
    a.put(P + "Tunnel Endpoints", String.join(",", endpoints));
    return a;
  }

  /** A provider that names host {@code h} only: a Deploy through it lands there. */
  private Map<String, String> provider(int h) {
    Map<String, String> a = new LinkedHashMap<>(Contexts.kvmAttributes());
    a.putAll(hosts.get(h).providerAttributes());
    a.put(P + "OVS Bridge", BRIDGE);
    a.put(P + "OVSDB Remote", switches.get(h).unixRemote());
    a.put(P + "VLAN Type", "VXLAN");
    a.put(P + "Tunnel Endpoints", endpoints.get(h));
    return a;
  }

  private CompletableFuture<JsonNode> deploy(int h, GuestImage image, String cmdline) {
    Map<String, String> provider = provider(h);
    return CompletableFuture.supplyAsync(() -> {
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("Kernel", image.kernel().toString());
      attrs.put("Initrd", image.initrd().toString());
      attrs.put("Kernel Cmdline", GuestImage.CMDLINE + " " + cmdline);
      attrs.put("NIC Count", "2");
      attrs.put("Wait for IP", "True");
      attrs.put("Refresh IP Timeout", Long.toString(DEPLOY_IP_WAIT.toSeconds()));
      List<Map<String, String>> list = new ArrayList<>();
      attrs.forEach((k, v) -> list.add(Map.of("attributeName", PATH + "." + k,
          "attributeValue", v, "type", "attribute")));
      String action = CODEC.write(Map.of("type", "deployApp", "actionId", "deploy-" + h,
          "actionParams", Map.of("type", "deployAppParams", "appName", "vx" + (h + 1),
              "deployment", Map.of("deploymentPath", PATH, "attributes", list), "appResource",
              Map.of("attributes", List.of()))));
      String out = driver.deploy(Contexts.resource(provider), Contexts.request(action),
          CancellationContext.NONE);
      return CODEC.readTree(out, "response").path("driverResponse").path("actionResults")
          .get(0);
    });
  }

  private Guest guest(int h, JsonNode deployed) throws Exception {
    assertOk(deployed);
    assertThat(deployed.path("deployedAppAdditionalData").path("hypervisor").asText())
        .isEqualTo(hosts.get(h).uri());
    GuestHttp http = new GuestHttp(hosts.get(h), deployed.path("deployedAppAddress").asText(),
        "guest " + (h + 1));
    Guest g = new Guest(h, deployed, http, null, null);
    List<String[]> nics = nics(g);
    assertThat(nics).as("vNICs of guest %d", h + 1).hasSize(3);
    return new Guest(h, deployed, http, nics.get(1)[1], nics.get(2)[1]);
  }

  /** The domain's vNICs as {MAC, tap}, in order. */
  private List<String[]> nics(Guest g) throws Exception {
    Domain d = hosts.get(g.h()).connection().domainLookupByUUIDString(
        g.deployed().path("vmUuid").asText());
    try {
      String xml = d.getXMLDesc(0);
      List<String[]> out = new ArrayList<>();
      Matcher m = Pattern.compile("<interface[\\s\\S]*?<mac address='([^']+)'/>[\\s\\S]*?"
          + "(?:<target dev='([^']+)'[\\s\\S]*?)?</interface>").matcher(xml);
      while (m.find()) {
        out.add(new String[] {m.group(1), m.group(2)});
      }
      return out;
    } finally {
      d.free();
    }
  }

  private static void assertOk(JsonNode results) {
    for (JsonNode r : results.isArray() ? results : List.of(results)) {
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    }
  }

  // --- Open vSwitch, read independently of the driver ----------------------------------------

  /** "VNI>peer" of the tunnel ports on host h (ovs-vsctl's view). */
  private List<String> tunnels(int h) throws Exception {
    return switches.get(h).vxlanTunnels();
  }

  private String t(String vni, int peer) {
    return vni + ">" + endpoints.get(peer);
  }

  private String bridgeExternalIds(int h) throws Exception {
    return switches.get(h).vsctl("--no-wait", "get", "bridge", BRIDGE, "external_ids");
  }

  /** Sets the guest's OVS taps up (see KvmL2EndToEndTest#upTaps: a netdev-datapath race). */
  private void upTaps(Guest g) throws Exception {
    for (String tap : List.of(g.eth1(), g.eth2())) {
      ExecResult r = hosts.get(g.h()).exec("ip", "link", "set", "dev", tap, "up");
      assertThat(r.ok()).as("ip link set %s up: %s", tap, r).isTrue();
    }
  }

  private static void assertNoReach(Guest from, String dst) throws Exception {
    GuestHttp.PingResult r = from.http().ping(dst, 3);
    assertThat(r.output()).as("%s pinged %s", from.label(), dst).endsWith("exit 1");
  }

  // --- fixtures and reporting ----------------------------------------------------------------

  /** Skips where the daemons cannot run, except on CI, where that fails the test. */
  private static void requireDaemons() {
    String why = RealLibvirtd.unavailableReason();
    if (why == null) {
      why = NamespacedOvs.unavailableReason();
    }
    if (why == null) {
      why = TapCapture.unavailableReason();
    }
    Daemons.need(why == null, why);
  }

  private void lap(String what) {
    long now = System.nanoTime();
    timings.add(what + " " + TimeUnit.NANOSECONDS.toMillis(now - mark) + " ms");
    mark = now;
  }

  private String diagnostics() {
    StringBuilder d = new StringBuilder("--- diagnostics ---\ntimings: ")
        .append(String.join(", ", timings)).append('\n');
    for (int h = 0; h < switches.size(); h++) {
      NamespacedOvs ovs = switches.get(h);
      try {
        d.append("host ").append(h + 1).append(" ovs-vsctl show:\n")
            .append(ovs.vsctl("--no-wait", "show"))
            .append("fdb:\n").append(ovs.appctl("fdb/show", BRIDGE))
            .append("tnl/neigh:\n").append(ovs.appctl("tnl/neigh/show"))
            .append("ovs-vswitchd.log:\n").append(ovs.vswitchdLog(20)).append('\n');
      } catch (Exception e) {
        d.append("(host ").append(h + 1).append(": ").append(e).append(")\n");
      }
    }
    return d.toString();
  }
}
