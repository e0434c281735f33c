package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.CODEC;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.NetworkType;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * ApplyConnectivityChanges on the real stack: two servers join VLAN 1010 in two requests sent
 * at once (one Neutron vlan network, segmentation id 1010, one port each, the MACs answered),
 * a VLAN outside the range (Access or Trunk) fails alone, removeVlan deletes the ports and then
 * the network, and a removeVlan after the delete succeeds.
 */
class OpenStackL2Test {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @Test
  void twoServersOnOneVlanGetOneNetworkAndLeaveNothing() throws Exception {
    JsonNode a = bed.deploy("a1", "alpha");
    JsonNode b = bed.deploy("b1", "beta");
    CyclicBarrier together = new CyclicBarrier(2);
    CompletableFuture<JsonNode> ra = CompletableFuture.supplyAsync(() -> apply(together,
        setVlan("sa", a, "1010", "Access")));
    CompletableFuture<JsonNode> rb = CompletableFuture.supplyAsync(() -> apply(together,
        setVlan("sb", b, "1010", "Access")));
    JsonNode sa = ra.get().get(0);
    JsonNode sb = rb.get().get(0);
    assertThat(sa.path("success").asBoolean()).as(sa.toString()).isTrue();
    assertThat(sb.path("success").asBoolean()).as(sb.toString()).isTrue();
    OSClientV3 os = bed.admin();
    List<? extends Network> nets = os.networking().network().list(Map.of("name",
        Marks.vlanNetwork(bed.sandbox, 1010)));
    assertThat(nets).singleElement().satisfies(n -> {
      assertThat(n.getNetworkType()).isEqualTo(NetworkType.VLAN);
      assertThat(n.getProviderSegID()).isEqualTo("1010");
      assertThat(n.getProviderPhyNet()).isEqualTo(bed.stack.physicalNetwork());
    });
    String netId = nets.get(0).getId();
    List<? extends Port> ports = os.networking().port().list(PortListOptions.create()
        .networkId(netId));
    assertThat(ports).extracting(Port::getMacAddress).containsExactlyInAnyOrder(
        sa.path("updatedInterface").asText(), sb.path("updatedInterface").asText());
    assertThat(ports).extracting(Port::getDeviceId).containsExactlyInAnyOrder(
        a.path("vmUuid").asText(), b.path("vmUuid").asText());

    // per-action errors: outside the VLAN Range (Access, Trunk); the good action still applies
    JsonNode mixed = apply(null, setVlan("bad", a, "20", "Access"),
        setVlan("trunk", a, "1011,20", "Trunk"), setVlan("again", a, "1010", "Access"));
    assertThat(mixed.get(0).path("errorMessage").asText()).contains("VLAN Range");
    assertThat(mixed.get(1).path("errorMessage").asText()).contains("VLAN 20")
        .contains("VLAN Range");
    assertThat(mixed.get(2).path("success").asBoolean()).isTrue();
    assertThat(mixed.get(2).path("updatedInterface").asText())
        .isEqualTo(sa.path("updatedInterface").asText());

    JsonNode removedA = apply(null, removeVlan("ra", a, "1010",
        sa.path("updatedInterface").asText())).get(0);
    assertThat(removedA.path("success").asBoolean()).as(removedA.toString()).isTrue();
    assertThat(os.networking().network().get(netId)).as("beta still uses it").isNotNull();
    bed.driver.deleteInstance(bed.remote("beta", b.path("vmUuid").asText()));
    JsonNode removedB = apply(null, removeVlan("rb", b, "1010",
        sb.path("updatedInterface").asText())).get(0);
    assertThat(removedB.path("success").asBoolean()).as(removedB.toString()).isTrue();
    bed.driver.deleteInstance(bed.remote("alpha", a.path("vmUuid").asText()));
    assertThat(os.networking().network().get(netId)).isNull();
    assertThat(os.networking().port().list(PortListOptions.create().networkId(netId)))
        .isEmpty();
    // Nova may list a deleted server, status DELETED, for a moment after its delete.
    assertThat(os.compute().servers().list(Map.of("name", "^(alpha|beta)-")).stream()
        .filter(sv -> sv.getStatus() != Server.Status.DELETED)).isEmpty();
  }

  @SafeVarargs
  private JsonNode apply(CyclicBarrier together, Map<String, Object>... actions) {
    List<String> json = new ArrayList<>();
    for (Map<String, Object> x : actions) {
      json.add(CODEC.write(x));
    }
    if (together != null) {
      try {
        together.await();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return results(bed.driver.applyConnectivityChanges(bed.resource(),
        request(json.toArray(String[]::new))));
  }

  static Map<String, Object> setVlan(String actionId, JsonNode vm, String vlan, String mode) {
    return action("setVlan", actionId, vm, vlan, mode);
  }

  static Map<String, Object> removeVlan(String actionId, JsonNode vm, String vlan, String mac) {
    Map<String, Object> x = action("removeVlan", actionId, vm, vlan, "Access");
    x.put("connectorAttributes", List.of(Map.of("type", "connectorAttribute",
        "attributeName", "Interface", "attributeValue", mac)));
    return x;
  }

  private static Map<String, Object> action(String type, String actionId, JsonNode vm,
      String vlan, String mode) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("type", type);
    x.put("actionId", actionId);
    x.put("connectionId", "conn-" + actionId);
    x.put("connectionParams", Map.of("type", "setVlanParameter", "vlanId", vlan, "mode", mode,
        "vlanServiceAttributes", List.of()));
    x.put("connectorAttributes", List.of());
    x.put("actionTarget", Map.of("type", "actionTarget", "fullName", vm.path("vmName")
        .asText(), "fullAddress", "NA"));
    x.put("customActionAttributes", List.of(Map.of("type", "customAttribute",
        "attributeName", "VM_UUID", "attributeValue", vm.path("vmUuid").asText())));
    return x;
  }
}
