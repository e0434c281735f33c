package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/**
 * The KVM reaper on a libvirt test-driver host with a real ovsdb-server: expiry marks written
 * by Deploy, an orphaned sandbox removed whole, everything else untouched.
 */
class KvmReaperTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private KvmTestbed bed;
  private SandboxReaping reaping;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    reaping = new SandboxReaping(BackendRegistry.empty().register(bed.provider), c -> bed.api);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void deployMarksTheDomainWithItsSandboxDomainAndExpiry() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    JsonNode r = deploy("res-marks", "Global", "3", "act-1", "web");
    Instant after = Instant.now().plusSeconds(1);

    Domain d = bed.libvirt().domainLookupByUUIDString(r.path("vmUuid").asText());
    KvmLease.Marks marks = KvmLease.read(Xml.parse(d.getXMLDesc(0)));
    assertThat(marks.sandbox()).isEqualTo("res-marks");
    assertThat(marks.ownerDomain()).isEqualTo("Global");
    assertThat(Instant.parse(marks.expires())).isBetween(
        before.plus(Duration.ofHours(3)).minusSeconds(1), after.plus(Duration.ofHours(3)));

    JsonNode never = deploy("res-never", "Global", "0", "act-2", "db");
    Domain n = bed.libvirt().domainLookupByUUIDString(never.path("vmUuid").asText());
    assertThat(KvmLease.read(Xml.parse(n.getXMLDesc(0))).expires()).isEqualTo("never");
  }

  @Test
  void aBadSandboxLifetimeFailsTheDeployNamingIt() throws Exception {
    JsonNode r = deploy("res-bad", "Global", "-4", "act-1", "web");
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("Sandbox Lifetime");
    assertThat(bed.domains()).isEmpty();
  }

  @Test
  void anOrphanedSandboxIsRemovedWholeAndNothingElse() throws Exception {
    // The expired sandbox: three VMs, its teardown cut off half-way: one VM deleted, one
    // stopped with its ports already gone, one untouched.
    JsonNode a = deploy("res-old", "Global", "1", "old-a", "a");
    JsonNode b = deploy("res-old", "Global", "1", "old-b", "b");
    JsonNode c = deploy("res-old", "Global", "1", "old-c", "c");
    bed.driver.deleteInstance(bed.remote(a));
    Domain db = bed.libvirt().domainLookupByUUIDString(b.path("vmUuid").asText());
    db.destroy();
    for (DomainView.NicView nic : DomainView.parse(db.getXMLDesc(0)).ovsNics()) {
      bed.ovsdb.vsctl("del-port", "br-int", nic.device());
    }
    // What must stay: a sandbox not yet expired, one that never expires, a domain without
    // Hangar's metadata.
    JsonNode fresh = deploy("res-fresh", "Global", "5", "fresh-a", "fresh");
    JsonNode never = deploy("res-never", "Global", "0", "never-a", "never");
    bed.libvirt().domainDefineXML("<domain type='test'><name>foreign</name><memory>1024</memory>"
        + "<os><type>hvm</type></os></domain>");
    List<String> domainsBefore = sorted(bed.domains());
    List<String> portsBefore = sorted(bed.ports());
    List<String> volumesBefore = sorted(bed.volumes());
    Instant later = Instant.now().plus(Duration.ofHours(2));

    ReapReport dry = reaping.reap(context(), true, later, CancellationContext.NONE);

    assertThat(dry.clean()).isTrue();
    assertThat(dry.lines()).allMatch(l -> l.outcome() == Outcome.WOULD_REMOVE)
        .allMatch(l -> l.sandbox().equals("res-old") && l.why().startsWith("sandbox expired at"));
    assertThat(ids(dry, "domain")).hasSize(2).anyMatch(id -> id.contains(b.path("vmUuid")
        .asText())).anyMatch(id -> id.contains(c.path("vmUuid").asText()));
    assertThat(ids(dry, "volume")).containsExactlyInAnyOrder(
        "hangar-pool/" + b.path("vmName").asText() + "-disk0.qcow2",
        "hangar-pool/" + c.path("vmName").asText() + "-disk0.qcow2");
    assertThat(ids(dry, "OVS port")).hasSize(2);
    assertThat(sorted(bed.domains())).isEqualTo(domainsBefore);
    assertThat(sorted(bed.ports())).isEqualTo(portsBefore);
    assertThat(sorted(bed.volumes())).isEqualTo(volumesBefore);

    ReapReport done = reaping.reap(context(), false, later, CancellationContext.NONE);

    assertThat(done.clean()).as(text(done)).isTrue();
    assertThat(done.lines()).allMatch(l -> l.outcome() == Outcome.REMOVED);
    assertThat(done.lines()).extracting(Line::id).containsExactlyElementsOf(
        dry.lines().stream().map(Line::id).toList());
    assertThat(sorted(bed.domains())).containsExactlyInAnyOrder("foreign",
        fresh.path("vmName").asText(), never.path("vmName").asText());
    assertThat(sorted(bed.ports())).hasSize(2).containsAll(ports(fresh)).containsAll(
        ports(never));
    assertThat(sorted(bed.volumes())).containsExactlyInAnyOrder("tmpl.qcow2",
        fresh.path("vmName").asText() + "-disk0.qcow2",
        never.path("vmName").asText() + "-disk0.qcow2");

    // Reaping again finds nothing; at a time before any expiry nothing at all.
    assertThat(reaping.reap(context(), false, later, CancellationContext.NONE).lines()).isEmpty();
    assertThat(reaping.reap(context(), false, Instant.now(), CancellationContext.NONE).lines())
        .isEmpty();
  }

  @Test
  void twoReapersAtOnceFinishClean() throws Exception {
    List<JsonNode> vms = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      vms.add(deploy("res-twice", "Global", "1", "act-" + i, "app" + i));
    }
    Instant later = Instant.now().plus(Duration.ofHours(2));

    CompletableFuture<ReapReport> one = CompletableFuture.supplyAsync(() ->
        reaping.reap(context(), false, later, CancellationContext.NONE));
    CompletableFuture<ReapReport> two = CompletableFuture.supplyAsync(() ->
        reaping.reap(context(), false, later, CancellationContext.NONE));

    for (ReapReport r : List.of(one.get(), two.get())) {
      assertThat(r.clean()).as(text(r)).isTrue();
    }
    List<Line> domainLines = new ArrayList<>(one.get().lines());
    domainLines.addAll(two.get().lines());
    domainLines.removeIf(l -> !l.kind().equals("domain"));
    // Each VM removed by exactly one of them; the other found it gone.
    for (JsonNode vm : vms) {
      String uuid = vm.path("vmUuid").asText();
      assertThat(domainLines.stream().filter(l -> l.id().contains(uuid)
          && l.outcome() == Outcome.REMOVED)).hasSize(1);
    }
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.ports()).isEmpty();
    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
  }

  private JsonNode deploy(String reservation, String domain, String lifetimeHours,
      String actionId, String app) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Template", "tmpl.qcow2");
    attrs.put("NIC Count", "1");
    attrs.put("Wait for IP", "False");
    return bed.deployFor(reservation, domain, Map.of("Sandbox Lifetime", lifetimeHours),
        actionId, app, attrs);
  }

  /** The reaper's context: the provider resource, no reservation. */
  private String context() {
    return "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(bed.attributes) + "}}";
  }

  private List<String> ports(JsonNode vm) throws Exception {
    Domain d = bed.libvirt().domainLookupByUUIDString(vm.path("vmUuid").asText());
    return DomainView.parse(d.getXMLDesc(0)).ovsNics().stream().map(DomainView.NicView::device)
        .toList();
  }

  private static List<String> ids(ReapReport r, String kind) {
    return r.lines().stream().filter(l -> l.kind().equals(kind)).map(Line::id).toList();
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }

  private static String text(ReapReport r) {
    StringBuilder b = new StringBuilder();
    r.lines().forEach(l -> b.append(l.format()).append('\n'));
    return b.toString();
  }
}
