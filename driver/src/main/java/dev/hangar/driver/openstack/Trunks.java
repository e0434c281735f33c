package dev.hangar.driver.openstack;

import dev.hangar.datamodel.VlanSpec;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Trunk;
import org.openstack4j.model.network.TrunkSubport;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;
import org.openstack4j.openstack.networking.domain.NeutronPort;
import org.openstack4j.openstack.networking.domain.NeutronSubnet;
import org.openstack4j.openstack.networking.domain.NeutronTrunk;
import org.openstack4j.openstack.networking.domain.NeutronTrunkSubport;

/**
 * Trunk mode through Neutron trunks: a Trunk setVlan gives the server one parent port (on a
 * network of its own, which carries the vNIC's untagged traffic) with a trunk on it and one
 * subport per VLAN, each a port on the sandbox's network of that VLAN with segmentation type
 * vlan and the VLAN as its tag; the parent's MAC is the updatedInterface, and the subports take
 * the same MAC (the guest's VLAN interfaces inherit it). Objects are named after the server and
 * the VLAN set ({@code hangar-trunk-<server>-<hash>}), so a retried setVlan finds what it made
 * and adds only what is missing; a failure removes what this attempt made, newest first.
 * removeVlan takes the subports of its VLANs out of the trunk and deletes them (and their
 * networks once empty); when no subport is left, the trunk, the parent port and its network go.
 */
final class Trunks {
  /** The prefix of parent ports and their networks and trunks. */
  static final String PARENT = Marks.PREFIX + "trunk-";
  private final OsSession s;
  private final VlanNetworks networks;

  Trunks(OsSession s, VlanNetworks networks) {
    this.s = s;
    this.networks = networks;
  }

  static boolean isParent(Port p) {
    return p.getName() != null && p.getName().startsWith(PARENT);
  }

  /** Connects the server's trunk of {@code vlans}; answers the parent port's MAC. */
  String set(Server server, VlanSpec vlans, String sandbox, CommandScope scope) {
    String name = PARENT + server.getId() + "-" + ServerPlan.shortHash(vlans.toString());
    Rollback rollback = new Rollback();
    try {
      Port parent = portNamed(name);
      if (parent == null) {
        Network net = parentNetwork(name, rollback);
        Port made = s.call("create trunk parent port " + name, () -> s.os().networking()
            .port().create(NeutronPort.builder().name(name).networkId(net.getId())
                .build()));
        rollback.push("delete port " + made.getId(), () -> deletePort(made.getId()));
        parent = made;
      }
      String parentId = parent.getId();
      Trunk trunk = trunkOf(parentId);
      if (trunk == null) {
        Trunk made = s.call("create the trunk of port " + parentId, () -> s.os().networking()
            .trunk().create(NeutronTrunk.builder().name(name).parentPort(parentId).build()));
        rollback.push("delete trunk " + made.getId(), () -> s.action("delete trunk "
            + made.getId(), true, () -> s.os().networking().trunk().delete(made.getId())));
        trunk = made;
      }
      Set<Integer> present = new HashSet<>();
      for (TrunkSubport sp : subports(trunk)) {
        present.add(sp.getSegmentationId());
      }
      for (int vlan : vlans.toList()) {
        if (!present.contains(vlan)) {
          scope.checkCancelled("adding " + networks.named(vlan) + " to trunk " + name);
          addSubport(trunk.getId(), parent, vlan, sandbox, rollback);
        }
      }
      if (parent.getDeviceId() == null || parent.getDeviceId().isEmpty()) {
        s.call("attach trunk port " + parentId + " to server " + server.getId(), () -> s.os()
            .compute().servers().interfaces().create(server.getId(), parentId));
      }
      rollback.commit();
      scope.progress("server " + server.getName() + " trunks " + vlans + " (" + parent
          .getMacAddress() + ")");
      return parent.getMacAddress();
    } catch (RuntimeException e) {
      String undo = rollback.undo();
      if (undo.isEmpty() || !(e instanceof HangarException)) {
        throw e;
      }
      throw BackendException.failed(e.getMessage() + "; " + undo, e);
    }
  }

  private void addSubport(String trunkId, Port parent, int vlan, String sandbox,
      Rollback rollback) {
    Network net = networks.getOrCreate(sandbox, vlan);
    String name = Marks.PREFIX + "sub" + vlan + "-" + parent.getId();
    Port sub = portNamed(name);
    if (sub == null) {
      Port made = s.call("create the subport of " + networks.named(vlan), () -> s.os()
          .networking().port().create(NeutronPort.builder().name(name).networkId(net.getId())
              .macAddress(parent.getMacAddress()).build()));
      rollback.push("delete port " + made.getId(), () -> {
        deletePort(made.getId());
        networks.deleteIfEmpty(net.getId());
      });
      sub = made;
    }
    String subId = sub.getId();
    s.call("add " + networks.named(vlan) + " to trunk " + trunkId, () -> s.os().networking()
        .trunk().addTrunkSubport(trunkId, NeutronTrunkSubport.builder().portId(subId)
            .segmentationType("vlan").segmentationId(vlan).build()));
    rollback.push("take subport " + subId + " out of trunk " + trunkId, () -> s.call(
        "remove subport " + subId, () -> s.os().networking().trunk()
            .removeTrunkSubport(trunkId, subId)));
  }

  /**
   * Takes the subports of {@code vlans} (null: all) out of the trunk on {@code parent} and
   * deletes them and their networks once empty; with none left, deletes the trunk, the parent
   * port (Nova drops the interface) and its network. Anything already gone is fine.
   */
  void remove(Port parent, VlanSpec vlans, CommandScope scope) {
    Trunk trunk = trunkOf(parent.getId());
    int left = 0;
    if (trunk != null) {
      for (TrunkSubport sp : subports(trunk)) {
        if (vlans != null && !vlans.contains(sp.getSegmentationId())) {
          left++;
          continue;
        }
        String subId = sp.getPortId();
        s.call("remove subport " + subId + " from trunk " + trunk.getId(), () -> s.os()
            .networking().trunk().removeTrunkSubport(trunk.getId(), subId));
        Port sub = s.call("read port " + subId, () -> s.os().networking().port().get(subId));
        deletePort(subId);
        if (sub != null) {
          networks.deleteIfEmpty(sub.getNetworkId());
        }
      }
    }
    if (left > 0) {
      return;
    }
    if (trunk != null) {
      try {
        deleteTrunk(trunk.getId());
      } catch (BackendException e) {
        String server = parent.getDeviceId();
        if (!e.getMessage().contains("409") || server == null || server.isEmpty()) {
          throw e;
        }
        // Neutron keeps the trunk of a bound parent port: detach the port from its server
        // (Nova unbinds it) and delete the trunk then.
        detachAndWait(server, parent.getId(), scope);
        deleteTrunk(trunk.getId());
      }
    }
    deletePort(parent.getId());
    networks.deleteIfEmpty(parent.getNetworkId());
  }

  private void deleteTrunk(String id) {
    s.action("delete trunk " + id, true, () -> s.os().networking().trunk().delete(id));
  }

  private void detachAndWait(String serverId, String portId, CommandScope scope) {
    s.action("detach port " + portId + " from server " + serverId, true, () -> s.os()
        .compute().servers().interfaces().detach(serverId, portId));
    long deadline = OsSession.deadline(s.timeouts().power());
    while (true) {
      Port p = s.call("read port " + portId, () -> s.os().networking().port().get(portId));
      if (p == null || p.getDeviceId() == null || p.getDeviceId().isEmpty()) {
        return;
      }
      if (OsSession.passed(deadline)) {
        throw new BackendException("port " + portId + " was still on server " + serverId + " "
            + s.timeouts().power().toSeconds() + " s after its detach", true, false, null);
      }
      s.pause(scope, "port " + portId + " to leave server " + serverId);
    }
  }

  private Port portNamed(String name) {
    List<? extends Port> found = s.call("find port " + name, () -> s.os().networking().port()
        .list(org.openstack4j.model.network.options.PortListOptions.create().name(name)));
    return found.isEmpty() ? null : found.get(0);
  }

  private Trunk trunkOf(String parentPortId) {
    for (Trunk t : s.call("list trunks", () -> s.os().networking().trunk().list())) {
      if (parentPortId.equals(t.getParentPort())) {
        return t;
      }
    }
    return null;
  }

  private static List<? extends TrunkSubport> subports(Trunk t) {
    return t.getTrunkSubports() == null ? List.of() : t.getTrunkSubports();
  }

  private void deletePort(String id) {
    s.action("delete port " + id, true, () -> s.os().networking().port().delete(id));
  }

  /**
   * The parent port's own network, a project network of the cloud's default type (no VLAN
   * taken), with an address-only subnet so that Nova attaches the port.
   */
  private Network parentNetwork(String name, Rollback rollback) {
    List<? extends Network> found = s.call("find network " + name, () -> s.os().networking()
        .network().list(Map.of("name", name)));
    if (!found.isEmpty()) {
      Network n = found.get(0);
      if (n.getSubnets() != null && !n.getSubnets().isEmpty()) {
        return n;
      }
      return withSubnet(n);
    }
    Network made = s.call("create network " + name, () -> s.os().networking().network()
        .create(Described.network(s.describe("")).name(name).adminStateUp(true).build()));
    rollback.push("delete network " + made.getId(), () -> s.action("delete network "
        + made.getId(), true, () -> s.os().networking().network().delete(made.getId())));
    return withSubnet(made);
  }

  private Network withSubnet(Network n) {
    s.call("create the subnet of network " + n.getName(), () -> s.os().networking().subnet()
        .create(Described.subnet(s.describe("")).name(n.getName()).networkId(n.getId())
            .ipVersion(IPVersionType.V4).cidr("10.199.0.0/24").enableDHCP(false).noGateway()
            .build()));
    return n;
  }
}
