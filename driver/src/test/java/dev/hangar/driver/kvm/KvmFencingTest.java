package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.HangarException;
import dev.hangar.testing.Contexts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * Areas and fencing on two libvirt test-driver hosts of one area, each with its own
 * ovsdb-server: what Deploy records, how a VM found on two hosts is fenced down to its newest
 * copy, and Recover's refusals. (Recovery itself needs volume upload, which the test driver
 * lacks: {@code KvmRecoveryRealTest}.)
 */
class KvmFencingTest {
  private KvmTestbed a;
  private KvmTestbed b;
  private Map<String, String> attrs;

  @BeforeEach
  void start() throws Exception {
    a = new KvmTestbed();
    b = new KvmTestbed();
    attrs = new LinkedHashMap<>(a.attributes);
    attrs.put("Hangar Cloud Provider.Hypervisors", a.uri + "," + b.uri);
    attrs.put("Hangar Cloud Provider.OVSDB Remote", a.ovsdb.tcpRemote() + ","
        + b.ovsdb.tcpRemote());
    attrs.put("Hangar Cloud Provider.Areas", "east: " + a.uri + ", " + b.uri);
    a.attributes.clear();
    a.attributes.putAll(attrs);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  /** Host {@code uri} as the driver (bed a's provider) sees it. */
  private Connect host(String uri) {
    return a.provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(uri, null, null), Duration.ofSeconds(5)).connect();
  }

  private JsonNode deploy() {
    JsonNode r = a.deploy("act-1", "web", KvmTestbed.PATH_TEMPLATE,
        Map.of("Template", "tmpl.qcow2", "NIC Count", "1", "Wait for IP", "False"));
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  @Test
  void deployRecordsTheAreaHomeGenerationAndStoredDefinition() throws Exception {
    JsonNode r = deploy();
    String uuid = r.path("vmUuid").asText();
    String home = r.path("deployedAppAdditionalData").path("hypervisor").asText();
    assertThat(home).isIn(a.uri, b.uri);
    Domain d = host(home).domainLookupByUUIDString(uuid);
    VmMetadata meta = DomainView.parse(d.getXMLDesc(0)).metadata();
    assertThat(meta.area()).isEqualTo("east");
    assertThat(meta.home()).isEqualTo(home);
    assertThat(meta.generation()).isEqualTo(1);
    assertThat(meta.definitionVolume()).contains("hangar-pool/"
        + StoredDefinitions.volumeName(uuid));
    assertThat(List.of(host(home).storagePoolLookupByName("hangar-pool").listVolumes()))
        .contains(StoredDefinitions.volumeName(uuid));

    // DeleteInstance removes the stored definition with the disks.
    a.driver.deleteInstance(a.remote(r));
    assertThat(List.of(host(home).storagePoolLookupByName("hangar-pool").listVolumes()))
        .containsExactly("tmpl.qcow2");
  }

  @Test
  void aVmOnTwoHostsKeepsItsNewestCopyAndTheStaleOneIsFenced() throws Exception {
    JsonNode r = deploy();
    String uuid = r.path("vmUuid").asText();
    String oldHome = r.path("deployedAppAdditionalData").path("hypervisor").asText();
    String newHome = oldHome.equals(a.uri) ? b.uri : a.uri;
    KvmTestbed oldBed = oldHome.equals(a.uri) ? a : b;
    Domain old = host(oldHome).domainLookupByUUIDString(uuid);
    String xml = old.getXMLDesc(0);
    VmMetadata meta = DomainView.parse(xml).metadata();
    String port = DomainView.parse(xml).ovsNics().get(0).device();
    assertThat(oldBed.ports()).contains(port);
    // What a recovery leaves: the same domain on the other host, one generation on, while the
    // old host (back from the dead) still has its copy, running.
    host(newHome).domainDefineXML(VmRecovery.rewrite(xml, meta.movedTo(newHome), "test"))
        .free();
    assertThat(old.isActive()).isEqualTo(1);

    // Any command that looks the VM up fences the stale copy first.
    ResourceRemoteCommandContext remote = a.remote(r);
    a.driver.powerOff(remote);

    assertThat(host(oldHome).listDefinedDomains()).isEmpty();
    assertThat(host(oldHome).numOfDomains()).isZero();
    assertThat(oldBed.ports()).doesNotContain(port);
    Domain kept = host(newHome).domainLookupByUUIDString(uuid);
    assertThat(DomainView.parse(kept.getXMLDesc(0)).metadata().generation()).isEqualTo(2);
    // The disks are the kept copy's: untouched.
    assertThat(List.of(host(oldHome).storagePoolLookupByName("hangar-pool").listVolumes()))
        .contains(meta.volumes().get(0).substring("hangar-pool/".length()));

    // PowerOn starts the kept copy where it is, with its port made on its host.
    a.driver.powerOn(remote);
    assertThat(kept.isActive()).isEqualTo(1);
    KvmTestbed newBed = oldBed == a ? b : a;
    assertThat(newBed.ports()).contains(port);
    assertThat(host(oldHome).listDefinedDomains()).isEmpty();
  }

  @Test
  void recoverRefusesWhatItCannotDoWithClearErrors() {
    Map<String, String> noAreas = new LinkedHashMap<>(attrs);
    noAreas.put("Hangar Cloud Provider.Areas", "");
    assertThatThrownBy(() -> a.driver.recover(Contexts.resource(noAreas), ""))
        .isInstanceOf(HangarException.class).hasMessageContaining("'Areas' is empty");
    assertThatThrownBy(() -> a.driver.recover(Contexts.resource(attrs), "test:///nowhere"))
        .isInstanceOf(HangarException.class).hasMessageContaining("not one of the provider's"
            + " Hypervisors");
    assertThatThrownBy(() -> a.driver.recover(Contexts.resource(attrs), b.uri))
        .isInstanceOf(HangarException.class).hasMessageContaining("answers");
    Map<String, String> bad = new LinkedHashMap<>(attrs);
    bad.put("Hangar Cloud Provider.Areas", "east: " + a.uri + "; west: " + a.uri);
    assertThatThrownBy(() -> a.driver.recover(Contexts.resource(bad), ""))
        .isInstanceOf(HangarException.class).hasMessageContaining("attribute 'Areas'");
    assertThat(a.driver.recover(Contexts.resource(attrs), ""))
        .isEqualTo("nothing to recover: every hypervisor of an area answers");
  }
}
