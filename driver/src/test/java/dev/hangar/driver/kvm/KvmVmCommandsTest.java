package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.testing.Contexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/** Power, delete, details, refresh IP and get_inventory on the libvirt test driver. */
class KvmVmCommandsTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private KvmTestbed bed;
  private JsonNode vm;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    vm = bed.deploy("act-1", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private Domain domain() throws Exception {
    return bed.libvirt().domainLookupByUUIDString(vm.path("vmUuid").asText());
  }

  @Test
  void powerOffAndOnAreIdempotent() throws Exception {
    bed.driver.powerOff(bed.remote(vm));
    assertThat(domain().isActive()).isZero();
    bed.driver.powerOff(bed.remote(vm));
    assertThat(domain().isActive()).isZero();

    bed.driver.powerOn(bed.remote(vm));
    assertThat(domain().isActive()).isEqualTo(1);
    bed.driver.powerOn(bed.remote(vm));
    assertThat(domain().isActive()).isEqualTo(1);
  }

  @Test
  void deleteRemovesDomainAndPortsAndASecondDeleteSucceeds() throws Exception {
    bed.driver.deleteInstance(bed.remote(vm));
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.ports()).isEmpty();

    bed.driver.deleteInstance(bed.remote(vm));
    assertThat(bed.domains()).isEmpty();
  }

  @Test
  void commandsOnAVmThatIsGoneSayso() {
    bed.driver.deleteInstance(bed.remote(vm));
    assertThatThrownBy(() -> bed.driver.powerOn(bed.remote(vm)))
        .isInstanceOf(BackendException.class).hasMessageContaining("no longer exists");
  }

  @Test
  void detailsAreReadLiveWithTheVlanOfEachPort() throws Exception {
    String request = CODEC.write(Map.of("items", List.of(Map.of(
        "deployedAppJson", Map.of("name", "db", "vmdetails", Map.of("uid",
            vm.path("vmUuid").asText()))), Map.of(
        "deployedAppJson", Map.of("name", "ghost", "vmdetails", Map.of("uid",
            "00000000-0000-0000-0000-000000000001"))))));
    JsonNode out = CODEC.readTree(bed.driver.getVmDetails(Contexts.resource(bed.attributes),
        request, CancellationContext.NONE), "response");

    assertThat(out).hasSize(2);
    JsonNode db = out.get(0);
    assertThat(db.path("appName").asText()).isEqualTo("db");
    assertThat(db.path("errorMessage").asText()).isEmpty();
    assertThat(db.path("vmInstanceData").toString()).contains("\"State\"").contains("running")
        .contains("256 MiB").contains(bed.uri);
    JsonNode nic1 = db.path("vmNetworkData").get(1);
    assertThat(nic1.path("isPrimary").asBoolean()).isFalse();
    assertThat(nic1.path("networkData").toString()).contains("parked on 4095");
    assertThat(out.get(1).path("errorMessage").asText()).contains("no longer exists");
  }

  @Test
  void refreshIpUpdatesTheAddressThroughTheOrchestrator() throws Exception {
    bed.driver.remoteRefreshIp(bed.remote(vm), CancellationContext.NONE);
    List<ApiCall> calls = bed.api.calls().stream()
        .filter(c -> c.method().equals("UpdateResourceAddress")).toList();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).args().get(1)).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void refreshIpNeedsARunningVmAndHonoursTheTimeout() throws Exception {
    bed.driver.powerOff(bed.remote(vm));
    assertThatThrownBy(() -> bed.driver.remoteRefreshIp(bed.remote(vm), CancellationContext.NONE))
        .isInstanceOf(ClientException.class).hasMessageContaining("not running");

    bed.driver.powerOn(bed.remote(vm));
    assertThatThrownBy(() -> bed.driver.remoteRefreshIp(bed.remote(vm, Map.of(
        "IP Regex", "^203\\.0\\.113\\.", "Refresh IP Timeout", "45")), CancellationContext.NONE))
        .isInstanceOf(BackendException.class).hasMessageContaining("after 45 s");
  }

  @Test
  void inventoryAcceptsAGoodProviderAndNamesEachBadAttribute() {
    assertThat(bed.driver.getInventory(Contexts.autoload(bed.attributes))).contains("resources");

    bed.attributes.put("Hangar Cloud Provider.Storage Pool", "nope");
    bed.attributes.put("Hangar Cloud Provider.Management Network", "nonet");
    bed.attributes.put("Hangar Cloud Provider.OVS Bridge", "br-missing");
    assertThatThrownBy(() -> bed.driver.getInventory(Contexts.autoload(bed.attributes)))
        .isInstanceOf(ClientException.class)
        .hasMessageContaining("'Storage Pool'").hasMessageContaining("'nope'")
        .hasMessageContaining("'Management Network'").hasMessageContaining("'nonet'")
        .hasMessageContaining("'OVS Bridge'").hasMessageContaining("br-missing");
  }

  @Test
  void inventoryReportsAHypervisorThatDoesNotAnswer() {
    bed.attributes.put("Hangar Cloud Provider.Hypervisors", bed.uri
        + ",qemu+tcp://127.0.0.1:1/system");
    bed.attributes.put("Hangar Cloud Provider.OVSDB Remote", bed.ovsdb.tcpRemote());
    assertThatThrownBy(() -> bed.driver.getInventory(Contexts.autoload(bed.attributes)))
        .hasMessageContaining("'Hypervisors'").hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void deployPlacesOnAReachableHostAndReportsTheOneSkipped() throws Exception {
    bed.attributes.put("Hangar Cloud Provider.Hypervisors", "qemu+tcp://127.0.0.1:1/system,"
        + bed.uri);
    JsonNode r = bed.deploy("act-2", "web", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("infoMessage").asText()).contains("skipped unreachable")
        .contains("127.0.0.1:1");
  }
}
