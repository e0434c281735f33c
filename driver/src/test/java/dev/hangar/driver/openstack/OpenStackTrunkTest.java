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
import org.openstack4j.model.network.Trunk;
import org.openstack4j.model.network.TrunkSubport;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * Trunk mode on the real stack: a Trunk setVlan makes a Neutron trunk on a parent port attached
 * to the server, one subport per VLAN (segmentation type vlan, on the sandbox's vlan network of
 * that id); a retry adds nothing; removeVlan takes its VLANs' subports out (their networks go),
 * and the last one takes the trunk, the parent port and its network with it; DeleteInstance
 * dismantles a trunk still there. Nothing is left at the end.
 */
class OpenStackTrunkTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @Test
  void trunkSubportsFollowSetAndRemoveAndNothingIsLeft() {
    OSClientV3 os = bed.admin();
    JsonNode a = bed.deploy("ta", "trunka");
    String serverA = a.path("vmUuid").asText();
    JsonNode set = bed.apply(setVlan("t1", a, "1020-1021", "Trunk")).get(0);
    assertThat(set.path("success").asBoolean()).as(set.toString()).isTrue();
    String mac = set.path("updatedInterface").asText();
    Trunk trunk = trunkOfServer(os, serverA, mac);
    assertThat(segments(trunk)).containsExactlyInAnyOrder(1020, 1021);
    for (TrunkSubport sp : trunk.getTrunkSubports()) {
      assertThat(sp.getSegmentationType()).isEqualTo("vlan");
      Port sub = os.networking().port().get(sp.getPortId());
      Network net = os.networking().network().get(sub.getNetworkId());
      assertThat(net.getName()).isEqualTo(Marks.vlanNetwork(bed.sandbox,
          sp.getSegmentationId()));
      assertThat(net.getNetworkType()).isEqualTo(NetworkType.VLAN);
      assertThat(net.getProviderSegID()).isEqualTo(String.valueOf(sp.getSegmentationId()));
    }

    JsonNode again = bed.apply(setVlan("t1", a, "1020-1021", "Trunk")).get(0);
    assertThat(again.path("updatedInterface").asText()).as(again.toString()).isEqualTo(mac);
    assertThat(segments(trunkOfServer(os, serverA, mac))).hasSize(2);

    JsonNode removed = bed.apply(removeVlan("r1", a, "1021", mac)).get(0);
    assertThat(removed.path("success").asBoolean()).as(removed.toString()).isTrue();
    assertThat(segments(trunkOfServer(os, serverA, mac))).containsExactly(1020);
    assertThat(networkNamed(os, Marks.vlanNetwork(bed.sandbox, 1021))).isEmpty();

    JsonNode last = bed.apply(removeVlan("r2", a, "1020", mac)).get(0);
    assertThat(last.path("success").asBoolean()).as(last.toString()).isTrue();
    assertThat(os.networking().port().list(PortListOptions.create().macAddress(mac)))
        .as("parent and subports").isEmpty();
    assertThat(trunkNamedFor(os, serverA)).isEmpty();
    assertThat(networkNamed(os, Marks.vlanNetwork(bed.sandbox, 1020))).isEmpty();

    // a trunk still there when the server goes is dismantled with it
    JsonNode b = bed.deploy("tb", "trunkb");
    String serverB = b.path("vmUuid").asText();
    JsonNode setB = bed.apply(setVlan("t2", b, "1030,1032", "Trunk")).get(0);
    assertThat(setB.path("success").asBoolean()).as(setB.toString()).isTrue();
    assertThat(segments(trunkOfServer(os, serverB, setB.path("updatedInterface").asText())))
        .containsExactlyInAnyOrder(1030, 1032);
    bed.driver.deleteInstance(bed.remote("trunkb", serverB));
    bed.driver.deleteInstance(bed.remote("trunka", serverA));
    assertThat(trunkNamedFor(os, serverB)).isEmpty();
    assertThat(os.networking().network().list().stream().map(Network::getName)
        .filter(n -> n != null && (n.startsWith(Trunks.PARENT + serverA)
            || n.startsWith(Trunks.PARENT + serverB)
            || n.startsWith(Marks.vlanNetwork(bed.sandbox, 10))))).isEmpty();
    assertThat(os.networking().port().list().stream().map(Port::getName)
        .filter(n -> n != null && (n.contains(serverA) || n.contains(serverB)))).isEmpty();
  }

  private static List<Integer> segments(Trunk t) {
    return t.getTrunkSubports().stream().map(TrunkSubport::getSegmentationId).toList();
  }

  private static List<? extends Network> networkNamed(OSClientV3 os, String name) {
    return os.networking().network().list(Map.of("name", name));
  }

  private static List<Trunk> trunkNamedFor(OSClientV3 os, String serverId) {
    return os.networking().trunk().list().stream().filter(t -> t.getName() != null
        && t.getName().startsWith(Trunks.PARENT + serverId)).map(t -> (Trunk) t).toList();
  }

  /** The trunk whose parent port has {@code mac} and is attached to the server. */
  private static Trunk trunkOfServer(OSClientV3 os, String serverId, String mac) {
    List<? extends Port> parents = os.networking().port().list(PortListOptions.create()
        .deviceId(serverId)).stream().filter(p -> mac.equals(p.getMacAddress())).toList();
    assertThat(parents).singleElement().satisfies(p -> assertThat(p.getName())
        .startsWith(Trunks.PARENT + serverId));
    List<Trunk> trunks = os.networking().trunk().list().stream().filter(t -> parents.get(0)
        .getId().equals(t.getParentPort())).map(t -> (Trunk) t).toList();
    assertThat(trunks).hasSize(1);
    return trunks.get(0);
  }
}
