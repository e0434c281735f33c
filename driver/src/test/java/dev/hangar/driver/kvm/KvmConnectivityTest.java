package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.VlanRequests.apply;
import static dev.hangar.driver.kvm.VlanRequests.removeVlan;
import static dev.hangar.driver.kvm.VlanRequests.setVlan;
import static dev.hangar.driver.kvm.VlanRequests.withQinq;
import static dev.hangar.driver.kvm.VlanRequests.withVnic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/** ApplyConnectivityChanges on the libvirt test driver with a real ovsdb-server. */
class KvmConnectivityTest {
  private KvmTestbed bed;
  private JsonNode web;
  private JsonNode db;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    web = deploy("act-web", "web");
    db = deploy("act-db", "db");
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private JsonNode deploy(String actionId, String app) {
    JsonNode r = bed.deploy(actionId, app, KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  private Domain domain(JsonNode vm) throws Exception {
    return bed.libvirt().domainLookupByUUIDString(vm.path("vmUuid").asText());
  }

  private DomainView view(JsonNode vm) throws Exception {
    return DomainView.parse(domain(vm).getXMLDesc(0));
  }

  /** The OVS port of the vNIC with this MAC. */
  private String port(JsonNode vm, String mac) throws Exception {
    return view(vm).nics().stream().filter(n -> n.mac().equals(mac)).findFirst().orElseThrow()
        .device();
  }

  private static void assertOk(JsonNode r) {
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
  }

  @Test
  void accessPutsTheFirstParkedVnicOnTheVlanAndRecordsItInTheDomain() throws Exception {
    JsonNode r = apply(bed, setVlan("s1", web, "10", "Access")).get(0);

    assertOk(r);
    assertThat(r.path("type").asText()).isEqualTo("setVlan");
    String mac = r.path("updatedInterface").asText();
    DomainView.NicView nic1 = view(web).nics().get(1);
    assertThat(mac).isEqualTo(nic1.mac());
    assertThat(bed.portColumn(nic1.device(), "tag")).isEqualTo("10");
    assertThat(bed.portColumn(nic1.device(), "trunks")).isEqualTo("[]");
    assertThat(bed.portColumn(nic1.device(), "vlan_mode")).isEqualTo("[]");
    assertThat(bed.portColumn(view(web).nics().get(2).device(), "tag")).isEqualTo("4095");
    assertThat(view(web).metadata().vlanOf(nic1.device())).isEqualTo(
        dev.hangar.driver.ovsdb.PortVlan.access(10));
    assertThat(r.path("infoMessage").asText()).contains("VLAN 10 (access)");
  }

  @Test
  void trunkTakesRangesAndListsAndAccessClearsThemAgain() throws Exception {
    JsonNode r = apply(bed, withVnic(setVlan("t1", web, "100-102,200", "Trunk"), "2")).get(0);
    assertOk(r);
    String port = port(web, r.path("updatedInterface").asText());
    assertThat(port).isEqualTo(view(web).nics().get(2).device());
    assertThat(bed.portColumn(port, "vlan_mode")).isEqualTo("trunk");
    assertThat(bed.portColumn(port, "trunks")).isEqualTo("[100, 101, 102, 200]");
    assertThat(bed.portColumn(port, "tag")).isEqualTo("[]");

    assertOk(apply(bed, withVnic(setVlan("t2", web, "7", "Access"), "2")).get(0));
    assertThat(bed.portColumn(port, "tag")).isEqualTo("7");
    assertThat(bed.portColumn(port, "trunks")).isEqualTo("[]");
    assertThat(bed.portColumn(port, "vlan_mode")).isEqualTo("[]");
  }

  @Test
  void pointToPointConnectsBothEndsAndARepeatedRequestChangesNothing() throws Exception {
    JsonNode first = apply(bed, setVlan("p_web", web, "20", "Access"),
        setVlan("p_db", db, "20", "Access"));
    assertOk(first.get(0));
    assertOk(first.get(1));
    String webPort = port(web, first.get(0).path("updatedInterface").asText());
    String dbPort = port(db, first.get(1).path("updatedInterface").asText());
    assertThat(bed.portColumn(webPort, "tag")).isEqualTo("20");
    assertThat(bed.portColumn(dbPort, "tag")).isEqualTo("20");
    String before = bed.ovsdb.vsctl("--columns=_uuid,tag,trunks,vlan_mode", "list", "port");

    // The same connection again targets the same vNICs explicitly, as a server retry does.
    JsonNode again = apply(bed,
        withVnic(setVlan("p_web", web, "20", "Access"), "1"),
        withVnic(setVlan("p_db", db, "20", "Access"), "1"));
    assertOk(again.get(0));
    assertThat(again.get(0).path("infoMessage").asText()).contains("was already VLAN 20");
    assertThat(again.get(0).path("updatedInterface").asText())
        .isEqualTo(first.get(0).path("updatedInterface").asText());
    assertThat(bed.ovsdb.vsctl("--columns=_uuid,tag,trunks,vlan_mode", "list", "port"))
        .isEqualTo(before);
  }

  @Test
  void qinqIsADot1qTunnelOnTheServiceVlanAndTrunkQinqIsRefused() throws Exception {
    JsonNode r = apply(bed, withQinq(setVlan("q1", web, "300", "Access")),
        withQinq(setVlan("q2", db, "300-301", "Trunk")));
    assertOk(r.get(0));
    String port = port(web, r.get(0).path("updatedInterface").asText());
    assertThat(bed.portColumn(port, "vlan_mode")).isEqualTo("dot1q-tunnel");
    assertThat(bed.portColumn(port, "tag")).isEqualTo("300");
    assertThat(r.get(1).path("success").asBoolean()).isFalse();
    assertThat(r.get(1).path("errorMessage").asText()).contains("QnQ");
  }

  @Test
  void removeVlanParksThePortAndToleratesWhatIsAlreadyGone() throws Exception {
    JsonNode set = apply(bed, setVlan("c1", web, "30", "Access")).get(0);
    String mac = set.path("updatedInterface").asText();
    String port = port(web, mac);

    JsonNode removed = apply(bed, removeVlan("c1", web, "30", mac)).get(0);
    assertOk(removed);
    assertThat(removed.path("type").asText()).isEqualTo("removeVlan");
    assertThat(removed.path("updatedInterface").asText()).isEqualTo(mac);
    assertThat(bed.portColumn(port, "tag")).isEqualTo("4095");
    assertThat(view(web).metadata().vlans()).isEmpty();

    bed.ovsdb.vsctl("del-port", "br-int", port);
    JsonNode portGone = apply(bed, removeVlan("c1", web, "30", mac)).get(0);
    assertOk(portGone);
    assertThat(portGone.path("infoMessage").asText()).contains("already gone");

    bed.driver.deleteInstance(bed.remote(web));
    JsonNode vmGone = apply(bed, removeVlan("c1", web, "30", mac)).get(0);
    assertOk(vmGone);
    assertThat(vmGone.path("infoMessage").asText()).contains("no longer exists");
    JsonNode setOnGone = apply(bed, setVlan("c2", web, "30", "Access")).get(0);
    assertThat(setOnGone.path("success").asBoolean()).isFalse();
    assertThat(setOnGone.path("errorMessage").asText()).contains("no longer exists");
  }

  @Test
  void eachBadActionGetsItsOwnErrorAndTheGoodOneStillRuns() throws Exception {
    Map<String, Object> noUuid = setVlan("b1", web, "10", "Access");
    ((List<?>) noUuid.get("customActionAttributes")).clear();
    JsonNode r = apply(bed,
        noUuid,
        setVlan("b2", web, "10-12", "Access"),
        setVlan("b3", web, "5000", "Access"),
        withVnic(setVlan("b4", web, "10", "Access"), "0"),
        withVnic(setVlan("b5", web, "10", "Access"), "nic-x"),
        setVlan("b6", db, "11", "Access"),
        setVlan("dup", web, "12", "Access"), setVlan("dup", db, "12", "Access"));
    assertThat(r).hasSize(7);
    assertThat(r.get(6).path("actionId").asText()).isEqualTo("dup");
    assertThat(r.get(6).path("errorMessage").asText()).contains("appears 2 times");
    assertThat(r.get(0).path("errorMessage").asText()).contains("VM_UUID");
    assertThat(r.get(1).path("errorMessage").asText()).contains("single VLAN");
    assertThat(r.get(2).path("errorMessage").asText()).contains("5000");
    assertThat(r.get(3).path("errorMessage").asText()).contains("management network");
    assertThat(r.get(4).path("errorMessage").asText()).contains("no vNIC 'nic-x'");
    assertOk(r.get(5));
    for (int i : new int[] {0, 1, 2, 3, 4, 6}) {
      assertThat(r.get(i).path("success").asBoolean()).isFalse();
    }
    assertThat(view(web).ovsNics()).allSatisfy(n -> assertThat(bed.portColumn(n.device(), "tag"))
        .isEqualTo("4095"));
  }

  @Test
  void twoActionsNeverClaimTheSameVnic() throws Exception {
    JsonNode r = apply(bed, setVlan("x1", web, "40", "Access"), setVlan("x2", web, "41", "Access"),
        withVnic(setVlan("x3", web, "42", "Access"), "1"));
    assertOk(r.get(0));
    assertOk(r.get(1));
    assertThat(r.get(0).path("updatedInterface").asText())
        .isNotEqualTo(r.get(1).path("updatedInterface").asText());
    assertThat(r.get(2).path("success").asBoolean()).isFalse();
    assertThat(r.get(2).path("errorMessage").asText()).contains("already changed by action x1");
  }

  @Test
  void aStoppedVmGetsNewVnicsUpToTheRequestedIndexAndARunningOneAClearError() throws Exception {
    JsonNode running = apply(bed, withVnic(setVlan("h0", web, "50", "Access"), "4")).get(0);
    assertThat(running.path("success").asBoolean()).isFalse();
    assertThat(running.path("errorMessage").asText()).contains("cannot hot-plug");
    assertThat(view(web).nics()).hasSize(3);

    bed.driver.powerOff(bed.remote(web));
    JsonNode r = apply(bed, withVnic(setVlan("h1", web, "50", "Access"), "4")).get(0);
    assertOk(r);
    List<DomainView.NicView> nics = view(web).nics();
    assertThat(nics).hasSize(5);
    assertThat(nics.get(4).mac()).isEqualTo(r.path("updatedInterface").asText());
    assertThat(bed.portColumn(nics.get(4).device(), "tag")).isEqualTo("50");
    assertThat(bed.portColumn(nics.get(3).device(), "tag")).isEqualTo("4095");

    // vNICs 1-3 are parked; the fourth setVlan finds none left and adds vNIC 5.
    JsonNode more = apply(bed, setVlan("h2", web, "51", "Access"),
        setVlan("h3", web, "52", "Access"), setVlan("h4", web, "53", "Access"),
        setVlan("h5", web, "54", "Access"));
    more.forEach(KvmConnectivityTest::assertOk);
    assertThat(view(web).nics()).hasSize(6);
    assertThat(more.get(3).path("updatedInterface").asText())
        .isEqualTo(view(web).nics().get(5).mac());

    bed.driver.deleteInstance(bed.remote(web));
    assertThat(bed.ports()).containsExactlyInAnyOrderElementsOf(
        view(db).ovsNics().stream().map(DomainView.NicView::device).toList());
  }

  @Test
  void aRestartedVmComesBackOnItsVlanEvenIfThePortWasLost() throws Exception {
    String mac = apply(bed, setVlan("r1", web, "60", "Access")).get(0).path("updatedInterface")
        .asText();
    String port = port(web, mac);
    bed.driver.powerOff(bed.remote(web));
    bed.ovsdb.vsctl("del-port", "br-int", port);

    bed.driver.powerOn(bed.remote(web));
    assertThat(bed.portColumn(port, "tag")).isEqualTo("60");
  }

  @Test
  void aServerThatIsDownFailsEveryActionOfItsHostAndChangesNothing() throws Exception {
    bed.ovsdb.close();
    JsonNode r = apply(bed, setVlan("d1", web, "70", "Access"), setVlan("d2", db, "70", "Access"));
    for (JsonNode one : r) {
      assertThat(one.path("success").asBoolean()).isFalse();
      assertThat(one.path("errorMessage").asText()).contains("OVSDB");
    }
    assertThat(view(web).metadata().vlans()).isEmpty();
  }
}
