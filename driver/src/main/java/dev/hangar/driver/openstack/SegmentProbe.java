package dev.hangar.driver.openstack;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.NetworkType;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;

/**
 * get_inventory's check of where the sandbox networks go, by the only means Neutron's API
 * gives (it does not show ML2's configuration): a probe network made and deleted at once, of
 * the provider's VLAN Type, on its Physical Network (VLAN), with the first id of its VLAN
 * Range as segmentation id. Neutron validates the segment before it reserves it, so an unknown
 * physical network or a network type its ML2 does not allow is refused (400) whereas an id
 * already in use (409) still proves the physical network; a refusal for lack of the admin role
 * (403) is named too. Neutron lets an admin use ids outside the physical network's configured
 * ranges, so the VLAN Range itself cannot be checked against them.
 */
final class SegmentProbe {
  private final OsSession s;

  SegmentProbe(OsSession s) {
    this.s = s;
  }

  /** Throws a ClientException naming the attribute when the cloud refuses such networks. */
  void check() {
    OpenStackSettings st = s.settings();
    boolean vxlan = st.segments() == SegmentKind.VXLAN;
    if (!vxlan && st.physicalNetwork().isEmpty()) {
      throw new ClientException("attribute 'Physical Network' is empty; the sandboxes' VLAN"
          + " networks need the provider physical network (e.g. physnet1)");
    }
    String name = Marks.PREFIX + "probe-" + HexFormat.of().toHexDigits(ThreadLocalRandom
        .current().nextInt());
    int id = st.vlanMin();
    var b = NeutronNetwork.builder().name(name).adminStateUp(false)
        .segmentId(Integer.toString(id));
    Network wanted = vxlan ? b.networkType(NetworkType.VXLAN).build()
        : b.networkType(NetworkType.VLAN).physicalNetwork(st.physicalNetwork()).build();
    Network made;
    try {
      made = s.call("create probe network " + name, () -> s.os().networking().network()
          .create(wanted));
    } catch (HangarException e) {
      int status = e.getCause() instanceof org.openstack4j.api.exceptions.ResponseException r
          ? r.getStatus() : 0;
      if (status == 409) {
        return; // the id is taken on that segment: the segment itself is known
      }
      if (status == 403) {
        throw new ClientException("attribute 'OpenStack User': user '" + st.user() + "' may"
            + " not create provider networks (" + e.getMessage() + "); the sandboxes' "
            + st.segments().noun() + " networks need the admin role");
      }
      if (status == 400) {
        throw new ClientException(vxlan
            ? "attribute 'VLAN Type': the cloud refused a vxlan network with VNI " + id + " ("
                + e.getMessage() + "); its ML2 must allow vxlan (type_drivers, vni_ranges)"
            : "attribute 'Physical Network': the cloud refused a vlan network on physical"
                + " network '" + st.physicalNetwork() + "' with VLAN " + id + " ("
                + e.getMessage() + "); name a physical network of its ML2"
                + " network_vlan_ranges");
      }
      throw e;
    }
    if (made == null || made.getId() == null) {
      throw BackendException.failed("create probe network " + name + ": Neutron answered no"
          + " network", null);
    }
    s.action("delete probe network " + made.getId(), true, () -> s.os().networking().network()
        .delete(made.getId()));
  }
}
