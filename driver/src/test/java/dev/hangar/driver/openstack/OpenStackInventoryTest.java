package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openstack4j.model.network.Network;

/**
 * get_inventory on the real stack: the probe of the sandbox networks' segment (the stack's
 * physical network and vxlan pass, an unknown physical network is named, and no probe network
 * is left either way), and the External Network an L3 provider needs.
 */
class OpenStackInventoryTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @Test
  void networkingTypeL3NeedsTheExternalNetwork() {
    bed.attributes.put("Hangar Cloud Provider.Networking type", "L3");
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");
    bed.attributes.put("Hangar Cloud Provider.External Network", "");
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .hasMessageContaining("attribute 'External Network' is empty; with Networking type L3");
    bed.attributes.put("Hangar Cloud Provider.Networking type", "L2");
    assertThat(bed.driver.getInventory(bed.autoload())).as("L2 needs no external network")
        .contains("\"resources\":[]");
  }

  @Test
  void physicalNetworkAndVlanTypeAreProbed() {
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");
    bed.attributes.put("Hangar Cloud Provider.VLAN Type", "VXLAN");
    bed.attributes.put("Hangar Cloud Provider.VLAN Range", "70000-80000");
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");

    bed.attributes.put("Hangar Cloud Provider.VLAN Type", "VLAN");
    bed.attributes.put("Hangar Cloud Provider.VLAN Range", "1000-2999");
    bed.attributes.put("Hangar Cloud Provider.Physical Network", "nosuchnet");
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .hasMessageContaining("attribute 'Physical Network'")
        .hasMessageContaining("'nosuchnet'");

    assertThat(bed.admin().networking().network().list().stream().map(Network::getName)
        .filter(n -> n != null && n.startsWith(Marks.PREFIX + "probe-"))).isEmpty();
  }
}
