package dev.hangar.driver.kvm;

import static dev.hangar.driver.kvm.VlanRequests.apply;
import static dev.hangar.driver.kvm.VlanRequests.setVlan;
import static dev.hangar.driver.kvm.VlanRequests.withVnic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.testing.ApplyHookConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ApplyConnectivityChanges when an OVSDB server dies mid-request or one of two hosts is down. */
class KvmConnectivityFaultsTest {
  private KvmTestbed bed;
  private PrivateOvsdbServer second;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    bed.close();
  }

  private JsonNode deploy(String actionId, String app) {
    JsonNode r = bed.deploy(actionId, app, KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  @Test
  void aServerKilledBeforeTheTransactionLandsLeavesTheHostAsItWas() throws Exception {
    AtomicReference<Runnable> beforeApply = new AtomicReference<>(() -> { });
    bed = new KvmTestbed(c -> new ApplyHookConnector(c, session -> beforeApply.get().run()));
    JsonNode web = deploy("act-web", "web");
    JsonNode db = deploy("act-db", "db");
    String before = bed.ovsdb.vsctl("--columns=name,tag,trunks,vlan_mode", "list", "port");
    beforeApply.set(bed.ovsdb::kill);

    JsonNode r = apply(bed, setVlan("k1", web, "10", "Access"), setVlan("k2", db, "10", "Access"),
        withVnic(setVlan("k3", db, "11", "Access"), "2"));
    for (JsonNode one : r) {
      assertThat(one.path("success").asBoolean()).as(one.toString()).isFalse();
      assertThat(one.path("errorMessage").asText()).contains("could not change the vNIC ports")
          .contains(bed.uri);
    }

    beforeApply.set(() -> { });
    bed.ovsdb.restart();
    assertThat(bed.ovsdb.vsctl("--columns=name,tag,trunks,vlan_mode", "list", "port"))
        .isEqualTo(before);
    // And a retry, with the server back, goes through.
    JsonNode retry = apply(bed, setVlan("k1", web, "10", "Access"));
    assertThat(retry.get(0).path("success").asBoolean()).as(retry.toString()).isTrue();
  }

  @Test
  void twoHostsAreChangedIndependentlyAndOneDownFailsOnlyItsOwnActions() throws Exception {
    bed = new KvmTestbed();
    Path node2 = bed.dir.resolve("node2.xml");
    Files.writeString(node2, KvmTestbed.nodeXml());
    String uri2 = "test://" + node2;
    second = PrivateOvsdbServer.start("br-int");
    bed.attributes.put("Hangar Cloud Provider.Hypervisors", bed.uri + "," + uri2);
    bed.attributes.put("Hangar Cloud Provider.OVSDB Remote",
        bed.ovsdb.tcpRemote() + "," + second.tcpRemote());
    // Placement takes the host with the most free memory: the two VMs land on different hosts.
    JsonNode one = deploy("act-1", "one");
    JsonNode two = deploy("act-2", "two");
    assertThat(one.path("deployedAppAdditionalData").path("hypervisor").asText())
        .isNotEqualTo(two.path("deployedAppAdditionalData").path("hypervisor").asText());
    JsonNode onSecond = one.path("deployedAppAdditionalData").path("hypervisor").asText()
        .equals(uri2) ? one : two;
    JsonNode onFirst = onSecond == one ? two : one;

    JsonNode both = apply(bed, setVlan("v1", onFirst, "10", "Access"),
        setVlan("v2", onSecond, "10", "Access"));
    assertThat(both.get(0).path("success").asBoolean()).as(both.toString()).isTrue();
    assertThat(both.get(1).path("success").asBoolean()).as(both.toString()).isTrue();
    assertThat(second.vsctl("--columns=tag", "find", "port", "tag=10")).contains("10");
    assertThat(bed.ovsdb.vsctl("--columns=tag", "find", "port", "tag=10")).contains("10");

    second.kill();
    JsonNode r = apply(bed, setVlan("w1", onFirst, "20", "Access"),
        setVlan("w2", onSecond, "20", "Access"));
    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get(1).path("success").asBoolean()).isFalse();
    assertThat(r.get(1).path("errorMessage").asText()).contains(uri2).contains("OVSDB");
  }
}
