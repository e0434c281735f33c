package dev.hangar.driver.openstack;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.VlanSpec;
import dev.hangar.datamodel.VlanSpecException;
import dev.hangar.datamodel.request.RemoveVlan;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.request.VlanMode;
import dev.hangar.datamodel.result.ResultTypes;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.L2Fabric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronPort;

/**
 * ApplyConnectivityChanges on OpenStack, as QualiSystems' OpenStack shell does it: an Access
 * setVlan gives the server a new port on the sandbox's network of that VLAN (made on first use,
 * with an address-only subnet)
 * and answers the port's MAC as updatedInterface; removeVlan deletes the port with that MAC
 * (Nova drops the interface) and then the network once no port is left on it. A VM or port
 * already gone is success. Each action has its own result; one failing leaves the others.
 */
final class OpenStackL2Fabric implements L2Fabric {
  private final OsSession s;
  private final Servers servers;
  private final VlanNetworks networks;
  private final Trunks trunks;

  OpenStackL2Fabric(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
    this.networks = new VlanNetworks(s);
    this.trunks = new Trunks(s, networks);
  }

  @Override
  public List<VlanResult> apply(List<VlanAction> actions, CommandScope scope) {
    List<VlanResult> results = new ArrayList<>();
    for (VlanAction a : actions) {
      String type = a instanceof RemoveVlan ? ResultTypes.REMOVE_VLAN : ResultTypes.SET_VLAN;
      try {
        scope.checkCancelled(a.type() + " " + a.actionId());
        results.add(a instanceof RemoveVlan r ? remove(r, scope) : set(a, scope));
      } catch (HangarException e) {
        results.add(new VlanResult(type, a.actionId(), false, "", scope.redact(e.getMessage()),
            ""));
      }
    }
    return results;
  }

  private VlanResult set(VlanAction a, CommandScope scope) {
    String serverId = serverId(a);
    SegmentKind kind = s.settings().segments();
    boolean trunk = a.connectionParams().vlanMode() == VlanMode.TRUNK;
    VlanSpec spec;
    try {
      spec = a.connectionParams().vlans(kind);
      if (!trunk) {
        spec.single();
      }
    } catch (VlanSpecException e) {
      throw new ClientException("setVlan " + a.actionId() + ": " + e.getMessage());
    }
    for (int id : spec.toList()) {
      if (!s.settings().vlanAllowed(id)) {
        throw new ClientException(kind.noun() + " " + id + " is outside the provider's 'VLAN"
            + " Range' (" + s.settings().vlanMin() + "-" + s.settings().vlanMax() + ")");
      }
      if (trunk && id > VlanSpec.MAX) {
        throw new ClientException("setVlan " + a.actionId() + ": VNI " + id + " cannot be a"
            + " trunk subport: the subports' tags are the VNIs, 1-" + VlanSpec.MAX);
      }
    }
    int vlan = spec.toList().get(0);
    Server server = servers.get(serverId).orElseThrow(() -> new ClientException("server "
        + serverId + " (VM_UUID) does not exist; was the app deleted?"));
    String sandbox = scope.reservationId();
    if (trunk) {
      String mac = trunks.set(server, spec, sandbox, scope);
      return new VlanResult(ResultTypes.SET_VLAN, a.actionId(), true, "trunk port of " + kind
          .noun() + " " + spec + " on server " + server.getId(), "", mac);
    }
    Network net = networks.getOrCreate(sandbox, vlan);
    String portName = Marks.PREFIX + "vlan" + vlan + "-" + server.getId();
    Optional<Port> earlier = servers.ports(server.getId()).stream()
        .filter(p -> net.getId().equals(p.getNetworkId()) && portName.equals(p.getName()))
        .findFirst();
    if (earlier.isPresent()) {
      return new VlanResult(ResultTypes.SET_VLAN, a.actionId(), true, "server " + server.getId()
          + " already has a port on " + networks.named(vlan), "", earlier.get().getMacAddress());
    }
    Port port = s.call("create a port on " + networks.named(vlan), () -> s.os().networking().port()
        .create(NeutronPort.builder().name(portName).networkId(net.getId())
            .build()));
    try {
      s.call("attach port " + port.getId() + " to server " + server.getId(), () -> s.os()
          .compute().servers().interfaces().create(server.getId(), port.getId()));
    } catch (HangarException e) {
      s.action("delete port " + port.getId(), true, () -> s.os().networking().port()
          .delete(port.getId()));
      networks.deleteIfEmpty(net.getId());
      throw e;
    }
    scope.progress("server " + server.getName() + " joined " + networks.named(vlan) + " ("
        + port.getMacAddress() + ")");
    return new VlanResult(ResultTypes.SET_VLAN, a.actionId(), true, "port " + port.getId()
        + " of " + networks.named(vlan) + " attached to server " + server.getId(), "",
        port.getMacAddress());
  }

  private VlanResult remove(RemoveVlan a, CommandScope scope) {
    String mac = a.interfaceMac();
    if (mac == null || mac.isBlank()) {
      throw new ClientException("removeVlan " + a.actionId() + " names no Interface (the MAC"
          + " that setVlan returned)");
    }
    String wanted = mac.strip().toLowerCase(Locale.ROOT);
    List<? extends Port> ports = s.call("find the port of " + wanted, () -> s.os().networking()
        .port().list(PortListOptions.create().macAddress(wanted)));
    // a trunk's subports share its parent's MAC: the parent is the interface
    Port port = ports.stream().filter(p -> p.getName() != null
        && p.getName().startsWith(Marks.PREFIX)).min(java.util.Comparator.comparing(
            p -> Trunks.isParent(p) ? 0 : 1)).orElse(null);
    if (port == null) {
      return new VlanResult(ResultTypes.REMOVE_VLAN, a.actionId(), true, "no port with MAC "
          + wanted + " is left", "", wanted);
    }
    if (Trunks.isParent(port)) {
      VlanSpec spec;
      try {
        spec = a.connectionParams().vlans(s.settings().segments());
      } catch (VlanSpecException e) {
        throw new ClientException("removeVlan " + a.actionId() + ": " + e.getMessage());
      }
      trunks.remove(port, spec, scope);
      return new VlanResult(ResultTypes.REMOVE_VLAN, a.actionId(), true, "took " + spec
          + " off trunk port " + port.getId(), "", wanted);
    }
    s.action("delete port " + port.getId(), true, () -> s.os().networking().port()
        .delete(port.getId()));
    networks.deleteIfEmpty(port.getNetworkId());
    return new VlanResult(ResultTypes.REMOVE_VLAN, a.actionId(), true, "deleted port "
        + port.getId(), "", wanted);
  }

  private static String serverId(VlanAction a) {
    String id = a.vmUuid();
    if (id == null || id.isBlank()) {
      throw new ClientException(a.type() + " has no VM_UUID custom attribute; the server sends"
          + " the deployed VM's id there");
    }
    return id.strip();
  }
}
