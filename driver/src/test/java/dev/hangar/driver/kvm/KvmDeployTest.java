package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.testing.Contexts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/** Deploy on the libvirt test driver with a real ovsdb-server. */
class KvmDeployTest {
  private KvmTestbed bed;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void deploysAKernelVmWithAManagementNicAndParkedOvsPorts() throws Exception {
    JsonNode r = bed.deploy("act-1", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());

    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("type").asText()).isEqualTo("DeployApp");
    assertThat(r.path("vmName").asText()).matches("db-[0-9a-f]{8}");
    assertThat(r.path("deployedAppAdditionalData").path("hypervisor").asText())
        .isEqualTo(bed.uri);
    Domain d = bed.libvirt().domainLookupByUUIDString(r.path("vmUuid").asText());
    assertThat(d.isActive()).isEqualTo(1);
    DomainView view = DomainView.parse(d.getXMLDesc(0));
    assertThat(view.metadata().sandboxId()).isEqualTo("res-1");
    assertThat(view.metadata().actionId()).isEqualTo("act-1");
    assertThat(view.metadata().appName()).isEqualTo("db");
    assertThat(view.nics()).hasSize(3);
    assertThat(view.nics().get(0).network()).isEqualTo("mgmt");
    assertThat(view.ovsNics()).extracting(DomainView.NicView::device)
        .allMatch(dev -> dev.length() <= 15 && dev.startsWith("hg"));
    assertThat(bed.ports()).containsExactlyInAnyOrderElementsOf(
        view.ovsNics().stream().map(DomainView.NicView::device).toList());
    for (String port : bed.ports()) {
      assertThat(bed.portColumn(port, "tag")).isEqualTo("4095");
    }
    assertThat(r.path("vmDetailsData").path("vmNetworkData")).hasSize(3);
  }

  @Test
  void aRetriedDeployReturnsTheVmOfTheFirstAttempt() throws Exception {
    JsonNode first = bed.deploy("act-1", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    JsonNode again = bed.deploy("act-1", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());

    assertThat(again.path("success").asBoolean()).as(again.toString()).isTrue();
    assertThat(again.path("vmUuid").asText()).isEqualTo(first.path("vmUuid").asText());
    assertThat(again.path("infoMessage").asText()).contains("earlier attempt");
    assertThat(bed.domains()).hasSize(1);
    assertThat(bed.ports()).hasSize(2);
  }

  @Test
  void templateVmsGetALinkedCloneThatDeleteRemovesButNotTheTemplate() throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("Disk Size", "4");
    a.put("NIC Count", "1");
    a.put("Wait for IP", "False");
    JsonNode r = bed.deploy("act-t", "web", KvmTestbed.PATH_TEMPLATE, a);

    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    String disk = r.path("vmName").asText() + "-disk0.qcow2";
    assertThat(bed.volumes()).contains("tmpl.qcow2", disk);
    String volXml = bed.libvirt().storagePoolLookupByName("hangar-pool")
        .storageVolLookupByName(disk).getXMLDesc(0);
    assertThat(volXml).contains("<path>/hangar-pool/tmpl.qcow2</path>")
        .contains("<capacity unit='bytes'>4294967296</capacity>");

    bed.driver.deleteInstance(bed.remote(r));

    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.ports()).isEmpty();
  }

  @Test
  void badAttributesFailTheActionWithAMessageNamingThem() throws Exception {
    Map<String, String> a = KvmTestbed.kernelAttrs();
    a.put("Kernel", "/boot/../etc/shadow");
    JsonNode r = bed.deploy("act-x", "db", KvmTestbed.PATH_KERNEL, a);
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("'Kernel'").contains("absolute path");

    Map<String, String> t = new LinkedHashMap<>();
    t.put("Template", "../../etc/passwd");
    r = bed.deploy("act-y", "web", KvmTestbed.PATH_TEMPLATE, t);
    assertThat(r.path("errorMessage").asText()).contains("'Template'").contains("not a path");

    t.put("Template", "missing.qcow2");
    r = bed.deploy("act-z", "web", KvmTestbed.PATH_TEMPLATE, t);
    assertThat(r.path("errorMessage").asText()).contains("'Template'")
        .contains("missing.qcow2").contains("does not exist");

    Map<String, String> cpu = KvmTestbed.kernelAttrs();
    cpu.put("CPU", "0");
    r = bed.deploy("act-c", "db", KvmTestbed.PATH_KERNEL, cpu);
    assertThat(r.path("errorMessage").asText()).contains("'CPU' must be between 1 and 64");
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
    assertThat(bed.ports()).isEmpty();
  }

  @Test
  void hostileAppNamesBecomeSafeVmNamesAndStayDataInTheMetadata() throws Exception {
    String evil = "a'\"<x>&$(rm -rf /);`id`\u0001 web";
    JsonNode r = bed.deploy("act-e", evil, KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());

    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("vmName").asText()).matches("[A-Za-z0-9._-]+");
    Domain d = bed.libvirt().domainLookupByUUIDString(r.path("vmUuid").asText());
    assertThat(DomainView.parse(d.getXMLDesc(0)).metadata().appName())
        .isEqualTo("a'\"<x>&$(rm -rf /);`id`? web");
  }

  @Test
  void cancellingAtAnyStepLeavesNothingBehind() throws Exception {
    for (int step = 1; step <= 12; step++) {
      AtomicInteger polls = new AtomicInteger();
      int cancelAt = step;
      CancellationContext cancel = () -> polls.incrementAndGet() >= cancelAt;
      Map<String, String> a = new LinkedHashMap<>();
      a.put("Template", "tmpl.qcow2");
      a.put("NIC Count", "2");
      a.put("Wait for IP", "True");
      JsonNode r = bed.deploy(Contexts.request(KvmTestbed.deployApp("act-c" + step, "web",
          KvmTestbed.PATH_TEMPLATE, a)), cancel).get(0);

      if (r.path("success").asBoolean()) {
        assertThat(step).as("cancelled only after the last step").isGreaterThan(3);
        bed.driver.deleteInstance(bed.remote(r));
      } else {
        assertThat(r.path("errorMessage").asText()).contains("cancelled");
      }
      assertThat(bed.domains()).as("step " + step).isEmpty();
      assertThat(bed.volumes()).as("step " + step).containsExactly("tmpl.qcow2");
      assertThat(bed.ports()).as("step " + step).isEmpty();
    }
  }

  @Test
  void aFailureAfterDefineRollsBackTheDomainAndVolumes() throws Exception {
    bed.ovsdb.vsctl("del-br", "br-int");
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("NIC Count", "1");
    JsonNode r = bed.deploy("act-f", "web", KvmTestbed.PATH_TEMPLATE, a);

    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("'OVS Bridge'").contains("br-int");
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
  }

  @Test
  void waitForIpTimesOutNamingTheSourcesAndRollsBack() throws Exception {
    Map<String, String> a = KvmTestbed.kernelAttrs();
    a.put("Wait for IP", "True");
    a.put("IP Regex", "^172\\.31\\.");
    a.put("Refresh IP Timeout", "30");
    JsonNode r = bed.deploy("act-w", "db", KvmTestbed.PATH_KERNEL, a);

    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("no IP address after 30 s")
        .contains("DHCP lease").contains("guest agent").contains("ARP table");
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.ports()).isEmpty();
  }

  @Test
  void waitForIpReturnsTheManagementAddress() throws Exception {
    Map<String, String> a = KvmTestbed.kernelAttrs();
    a.put("Wait for IP", "True");
    JsonNode r = bed.deploy("act-ip", "db", KvmTestbed.PATH_KERNEL, a);

    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    String ip = r.path("deployedAppAddress").asText();
    assertThat(ip).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(r.path("vmDetailsData").path("vmNetworkData").get(0).path("privateIpAddress")
        .asText()).isEqualTo(ip);
  }
}
