package dev.hangar.driver.openstack;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.HangarException;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.NetworkType;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;
import org.openstack4j.openstack.networking.domain.NeutronSubnet;

/**
 * The sandbox's Neutron networks, one per VLAN: a provider network of type vlan on the
 * provider's physical network with that segmentation id, named after the sandbox and the VLAN
 * ({@link Marks#vlanNetwork}); with VLAN Type VXLAN a provider network of type vxlan whose
 * segmentation id is the VNI ({@link Marks#vxlanNetwork}). Neutron itself allows one network
 * per segment, so two requests that create the same VLAN at once get one network: the loser's
 * create is refused (409) and it takes the winner's network.
 */
final class VlanNetworks {
  private final OsSession s;
  private final boolean vxlan;

  VlanNetworks(OsSession s) {
    this.s = s;
    this.vxlan = s.settings().segments() == SegmentKind.VXLAN;
  }

  /** "VLAN 10" or "VNI 10", as messages name a segment. */
  String named(int id) {
    return s.settings().segments().noun() + " " + id;
  }

  /** The sandbox's network for {@code vlan}, with its subnet, made when there is none. */
  Network getOrCreate(String sandbox, int vlan) {
    String name = vxlan ? Marks.vxlanNetwork(sandbox, vlan) : Marks.vlanNetwork(sandbox, vlan);
    Network found = find(name);
    if (found == null) {
      Network made = create(name, vlan);
      if (made != null) {
        return withSubnet(made, vlan); // ours: its subnet comes from us, at once
      }
      found = find(name); // a concurrent request of this sandbox made it first
    }
    if (hasSubnet(found)) {
      return found;
    }
    // Nova attaches a port (with its security group) only on a network with a subnet; the
    // request that made the network adds it a moment later: wait for that first.
    long deadline = OsSession.deadline(java.time.Duration.ofSeconds(10));
    while (!OsSession.passed(deadline)) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      Network again = find(name);
      if (hasSubnet(again)) {
        return again;
      }
    }
    return withSubnet(found, vlan); // its maker died between the two
  }

  private static boolean hasSubnet(Network n) {
    return n != null && n.getSubnets() != null && !n.getSubnets().isEmpty();
  }

  private Network withSubnet(Network net, int vlan) {
    Subnet wanted = Described.subnet(s.describe("")).name(net.getName()).networkId(net.getId())
        .ipVersion(IPVersionType.V4).cidr(cidr(vlan)).enableDHCP(false).noGateway().build();
    s.call("create the subnet of " + named(vlan), () -> s.os().networking().subnet()
        .create(wanted));
    return s.call("read network " + net.getId(), () -> s.os().networking().network()
        .get(net.getId()));
  }

  /**
   * The VLAN network's subnet: addresses only so that Neutron ports can exist (no DHCP, no
   * gateway; the apps address themselves), 10.200.0.0/24 + VLAN id, one /24 per VLAN. VNIs
   * beyond 14335 wrap around within 10.200-255.x: networks without a router may overlap.
   */
  static String cidr(int vlan) {
    return "10." + (200 + (vlan >> 8) % 56) + "." + (vlan & 255) + ".0/24";
  }

  /** Creates the network; null when Neutron refused it because this sandbox's exists now. */
  private Network create(String name, int vlan) {
    var b = Described.network(s.describe("")).name(name).adminStateUp(true)
        .segmentId(Integer.toString(vlan));
    Network wanted = vxlan ? b.networkType(NetworkType.VXLAN).build()
        : b.networkType(NetworkType.VLAN).physicalNetwork(s.settings().physicalNetwork()).build();
    try {
      return s.call("create the network of " + named(vlan), () -> s.os().networking().network()
          .create(wanted));
    } catch (HangarException e) {
      // A concurrent request of this sandbox made it first (Neutron refused the second
      // segment); any other holder of the VLAN is an error worth naming.
      if (find(name) != null) {
        return null;
      }
      if (vxlan) {
        throw BackendException.failed(named(vlan) + " could not get a vxlan network: "
            + e.getMessage() + " (is the VNI used by another network, or does the cloud's"
            + " ML2 not allow vxlan networks?)", e);
      }
      throw BackendException.failed("VLAN " + vlan + " on physical network '"
          + s.settings().physicalNetwork() + "' could not get a network: " + e.getMessage()
          + " (is the VLAN used by another network, or outside the physical network's"
          + " range?)", e);
    }
  }

  Network find(String name) {
    List<? extends Network> found = s.call("find network " + name, () -> s.os().networking()
        .network().list(Map.of("name", name)));
    return found.stream().min(java.util.Comparator.comparing(Network::getId)).orElse(null);
  }

  /** Deletes the network when no port is left on it; gone or still used is fine. */
  void deleteIfEmpty(String networkId) {
    List<? extends Port> ports = s.call("list the ports of network " + networkId, () -> s.os()
        .networking().port().list(PortListOptions.create().networkId(networkId)));
    if (!ports.isEmpty()) {
      return;
    }
    try {
      s.action("delete network " + networkId, true, () -> s.os().networking().network()
          .delete(networkId));
    } catch (BackendException e) {
      if (!e.getMessage().contains("409")) {
        throw e;
      }
      // a port arrived in between: the network stays for it
    }
  }
}
