package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.ClientException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/** The 'Areas' attribute, area placement's filter and the fencing decision, without hosts. */
class KvmAreasTest {
  private static final List<String> HOSTS = List.of("qemu+ssh://hv1/system",
      "qemu+ssh://hv2/system", "qemu+ssh://hv3/system");

  @Test
  void parsesAreasOfListedHypervisors() {
    KvmAreas a = KvmAreas.parse(" east: qemu+ssh://hv1/system , qemu+ssh://hv2/system ;"
        + " west:qemu+ssh://hv3/system; ", HOSTS);
    assertThat(a.areaOf("qemu+ssh://hv1/system")).contains("east");
    assertThat(a.areaOf("qemu+ssh://hv3/system")).contains("west");
    assertThat(a.hostsOf("east")).containsExactly("qemu+ssh://hv1/system",
        "qemu+ssh://hv2/system");
    assertThat(KvmAreas.parse("", HOSTS).isEmpty()).isTrue();
    assertThat(KvmAreas.parse("east: qemu+ssh://hv1/system", HOSTS)
        .areaOf("qemu+ssh://hv2/system")).isEmpty();
  }

  @Test
  void refusesBadAreasNamingTheProblem() {
    assertThatThrownBy(() -> KvmAreas.parse("east qemu+ssh://hv1/system", HOSTS))
        .isInstanceOf(ClientException.class).hasMessageContaining("'Areas'")
        .hasMessageContaining("names no area");
    assertThatThrownBy(() -> KvmAreas.parse("qemu+ssh://hv1/system", HOSTS))
        .isInstanceOf(ClientException.class).hasMessageContaining("names no area");
    assertThatThrownBy(() -> KvmAreas.parse("east: qemu+ssh://hv9/system", HOSTS))
        .isInstanceOf(ClientException.class).hasMessageContaining("hv9")
        .hasMessageContaining("not one of Hypervisors");
    assertThatThrownBy(() -> KvmAreas.parse("east: qemu+ssh://hv1/system; west:"
        + " qemu+ssh://hv1/system", HOSTS)).isInstanceOf(ClientException.class)
        .hasMessageContaining("in area 'east' and in area 'west'");
    assertThatThrownBy(() -> KvmAreas.parse("east: ; west: qemu+ssh://hv1/system", HOSTS))
        .isInstanceOf(ClientException.class).hasMessageContaining("names no hypervisor");
    assertThatThrownBy(() -> KvmAreas.parse("e<st>: qemu+ssh://hv1/system", HOSTS))
        .isInstanceOf(ClientException.class).hasMessageContaining("not an area name");
    assertThatThrownBy(() -> KvmAreas.parse("east: qemu+ssh://hv1/system; east:"
        + " qemu+ssh://hv2/system", HOSTS)).isInstanceOf(ClientException.class)
        .hasMessageContaining("named twice");
  }

  @Test
  void withinAnAreaOtherHostsAreNeverCandidates() {
    KvmAreas a = KvmAreas.parse("east: qemu+ssh://hv1/system, qemu+ssh://hv2/system; west:"
        + " qemu+ssh://hv3/system", HOSTS);
    VmLocator.Reach reach = new VmLocator.Reach(List.of(host(HOSTS.get(1)), host(HOSTS.get(2))),
        Map.of(HOSTS.get(0), "connection refused"));
    VmLocator.Reach east = a.within(reach, "east");
    assertThat(east.up()).extracting(Hypervisor::uri).containsExactly(HOSTS.get(1));
    assertThat(east.down()).containsEntry(HOSTS.get(0), "connection refused")
        .containsEntry(HOSTS.get(2), "outside area 'east'");
  }

  @Test
  void deploysAreaNarrowsPlacementOrIsRefusedClearly() {
    KvmAreas a = KvmAreas.parse("east: qemu+ssh://hv1/system, qemu+ssh://hv2/system; west:"
        + " qemu+ssh://hv3/system", HOSTS);
    VmLocator.Reach reach = new VmLocator.Reach(List.of(host(HOSTS.get(0)), host(HOSTS.get(2))),
        Map.of(HOSTS.get(1), "connection refused"));
    assertThat(a.forDeploy(reach, "")).isSameAs(reach);
    VmLocator.Reach west = a.forDeploy(reach, "west");
    assertThat(west.up()).extracting(Hypervisor::uri).containsExactly(HOSTS.get(2));
    assertThat(west.down()).containsEntry(HOSTS.get(0), "outside area 'west'")
        .containsEntry(HOSTS.get(1), "outside area 'west'");
    assertThatThrownBy(() -> a.forDeploy(reach, "north")).isInstanceOf(ClientException.class)
        .hasMessage("attribute 'Area': 'north' is not an area of the provider (its areas:"
            + " east, west)");
    assertThatThrownBy(() -> KvmAreas.NONE.forDeploy(reach, "east"))
        .isInstanceOf(ClientException.class).hasMessageContaining("attribute 'Area' is 'east'")
        .hasMessageContaining("'Areas' is empty");
  }

  @Test
  void fencingKeepsTheNewestGenerationThenTheCopyAtHome() {
    VmFencing.Copy oldRunning = copy(HOSTS.get(0), 1, HOSTS.get(0), true);
    VmFencing.Copy recovered = copy(HOSTS.get(1), 2, HOSTS.get(1), false);
    assertThat(VmFencing.keeper(List.of(oldRunning, recovered))).isSameAs(recovered);
    assertThat(VmFencing.keeper(List.of(recovered, oldRunning))).isSameAs(recovered);
    // Same generation (a recovery that died half way): the copy the definition names wins.
    VmFencing.Copy away = copy(HOSTS.get(0), 2, HOSTS.get(1), true);
    assertThat(VmFencing.keeper(List.of(away, recovered))).isSameAs(recovered);
  }

  @Test
  void metadataKeepsAreaHomeAndGenerationThroughItsXml() {
    VmMetadata m = new VmMetadata("res", "app", "path", "act", "tmpl", "br-int",
        List.of("pool/d.qcow2", "pool/" + StoredDefinitions.volumeName("u")), Map.of(), "east",
        HOSTS.get(0), 1);
    String xml = "<domain type='kvm'><name>app-1</name><uuid>u</uuid><memory>1024</memory>"
        + "<vcpu>1</vcpu><devices/></domain>";
    String moved = VmRecovery.rewrite(xml, m.movedTo(HOSTS.get(1)), "qemu");
    DomainView v = DomainView.parse(moved);
    assertThat(moved).contains("type=\"qemu\"");
    assertThat(v.metadata().home()).isEqualTo(HOSTS.get(1));
    assertThat(v.metadata().generation()).isEqualTo(2);
    assertThat(v.metadata().area()).isEqualTo("east");
    assertThat(v.metadata().definitionVolume()).contains("pool/hangar-u.domain.xml");
    // Rewritten again: one Hangar element, never two.
    String twice = VmRecovery.rewrite(moved, v.metadata().movedTo(HOSTS.get(0)), "qemu");
    assertThat(DomainView.parse(twice).metadata().generation()).isEqualTo(3);
    assertThat(twice.split("https://hangar.dev/xmlns/vm/1", -1)).hasSize(2);
  }

  private static Hypervisor host(String uri) {
    return new Hypervisor(new HypervisorTarget(uri, null, null), null, List.of("qemu"),
        new Semaphore(1));
  }

  private static VmFencing.Copy copy(String uri, long generation, String home, boolean running) {
    VmMetadata m = new VmMetadata("res", "app", "path", "act", "tmpl", "br-int", List.of(),
        Map.of(), "east", home, generation);
    return new VmFencing.Copy(host(uri), null, m, running);
  }
}
