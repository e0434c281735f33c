package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackL2Test.removeVlan;
import static dev.hangar.driver.openstack.OpenStackL2Test.setVlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.NetworkType;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * VLAN Type VXLAN on the real stack: setVlan's ids are VNIs and each sandbox network is a
 * Neutron vxlan network with the VNI as segmentation id (VNIs past 4094 and up to 16 777 215;
 * beyond that, and outside the VLAN Range, a per-action error); a trunk subport's tag is its VNI
 * (so at most 4094); removeVlan deletes the port and the network.
 */
class OpenStackVxlanTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @Test
  void vnisBecomeVxlanNetworks() {
    bed.attributes.put("Hangar Cloud Provider.VLAN Type", "VXLAN");
    bed.attributes.put("Hangar Cloud Provider.VLAN Range", "");
    OSClientV3 os = bed.admin();
    JsonNode vm = bed.deploy("xa", "vxa");
    JsonNode r = bed.apply(setVlan("big", vm, "16777215", "Access"),
        setVlan("over", vm, "16777216", "Access"), setVlan("mid", vm, "70000", "Access"),
        setVlan("tr", vm, "5000", "Trunk"));
    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get(1).path("success").asBoolean()).isFalse();
    assertThat(r.get(1).path("errorMessage").asText()).contains("16777216");
    assertThat(r.get(2).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get(3).path("errorMessage").asText()).contains("VNI 5000")
        .contains("1-4094");
    for (int vni : new int[] {16_777_215, 70_000}) {
      List<? extends Network> nets = named(os, Marks.vxlanNetwork(bed.sandbox, vni));
      assertThat(nets).singleElement().satisfies(n -> {
        assertThat(n.getNetworkType()).isEqualTo(NetworkType.VXLAN);
        assertThat(n.getProviderSegID()).isEqualTo(String.valueOf(vni));
        assertThat(n.getProviderPhyNet()).isNullOrEmpty();
      });
      assertThat(os.networking().port().list(PortListOptions.create().networkId(nets.get(0)
          .getId()))).extracting(Port::getDeviceId).containsExactly(vm.path("vmUuid").asText());
    }

    bed.attributes.put("Hangar Cloud Provider.VLAN Range", "60000-80000");
    JsonNode outside = bed.apply(setVlan("low", vm, "100", "Access")).get(0);
    assertThat(outside.path("errorMessage").asText()).contains("VNI 100")
        .contains("VLAN Range");
    JsonNode removed = bed.apply(removeVlan("rb", vm, "16777215", r.get(0).path("updatedInterface")
        .asText()), removeVlan("rm", vm, "70000", r.get(2).path("updatedInterface").asText()));
    assertThat(removed.get(0).path("success").asBoolean()).as(removed.toString()).isTrue();
    assertThat(removed.get(1).path("success").asBoolean()).as(removed.toString()).isTrue();
    assertThat(named(os, Marks.vxlanNetwork(bed.sandbox, 16_777_215))).isEmpty();
    assertThat(named(os, Marks.vxlanNetwork(bed.sandbox, 70_000))).isEmpty();
    bed.driver.deleteInstance(bed.remote("vxa", vm.path("vmUuid").asText()));
  }

  private static List<? extends Network> named(OSClientV3 os, String name) {
    return os.networking().network().list(Map.of("name", name));
  }
}
