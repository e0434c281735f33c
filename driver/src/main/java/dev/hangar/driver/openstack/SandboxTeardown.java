package dev.hangar.driver.openstack;

import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronRouter;

/**
 * CleanupSandboxInfra on OpenStack: finds every object of the sandbox by its mark (server
 * metadata, the {@link SandboxMarks} name prefix, the key pair's name) and deletes them in
 * dependency order: servers left behind, floating IPs on the sandbox network, the router's
 * interfaces, its gateway, the router, the ports left on the network, its subnets, the network,
 * the apps' security groups, the sandbox group, the key pair. Already gone is success, so a
 * second Cleanup succeeds.
 */
final class SandboxTeardown {
  private final OsSession s;

  SandboxTeardown(OsSession s) {
    this.s = s;
  }

  CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
    String sandbox = scope.reservationId();
    if (sandbox.isEmpty()) {
      return new CleanupNetworkResult(action.actionId(), false, "",
          "CleanupSandboxInfra needs the reservation id of the sandbox");
    }
    Map<String, Integer> deleted = new LinkedHashMap<>();
    try {
      run(sandbox, scope, deleted);
    } catch (RuntimeException e) {
      return new CleanupNetworkResult(action.actionId(), false, "", SandboxInfra.message(e,
          scope) + (deleted.isEmpty() ? "" : " (deleted before that: " + summary(deleted)
          + ")"));
    }
    return new CleanupNetworkResult(action.actionId(), true,
        deleted.isEmpty() ? "nothing left to clean up" : "deleted " + summary(deleted), "");
  }

  private void run(String sandbox, CommandScope scope, Map<String, Integer> deleted) {
    String prefix = SandboxMarks.prefix(sandbox);
    Servers servers = new Servers(s);
    for (Server x : s.call("find the sandbox's servers", () -> s.os().compute().servers()
        .list(Map.of()))) {
      if (x.getMetadata() != null && sandbox.equals(x.getMetadata().get(Marks.SANDBOX))) {
        scope.progress("deleting server " + x.getId() + " left in the sandbox");
        servers.deleteAndWait(x.getId(), scope, true);
        new OpenStackSnapshots(s).removeAll(x.getId()); // as DeleteInstance does
        count(deleted, "servers", true);
      }
    }
    String netName = SandboxMarks.network(sandbox);
    List<? extends Network> networks = s.call("find network " + netName, () -> s.os()
        .networking().network().list(Map.of("name", netName))).stream()
        .filter(n -> netName.equals(n.getName())).toList();
    for (Network n : networks) {
      for (Port p : ports(n.getId())) {
        for (var f : s.call("list the floating IPs of port " + p.getId(), () -> s.os()
            .networking().floatingip().list(Map.of("port_id", p.getId())))) {
          count(deleted, "floating IPs", Neutron.delete(s, "release floating IP "
              + f.getFloatingIpAddress(), () -> s.os().networking().floatingip()
                  .delete(f.getId())));
        }
      }
    }
    String routerName = SandboxMarks.router(sandbox);
    for (Router r : Neutron.routers(s)) {
      if (!routerName.equals(r.getName())) {
        continue;
      }
      scope.checkCancelled("deleting router " + r.getId());
      for (Port p : s.call("list the interfaces of router " + r.getId(), () -> s.os()
          .networking().port().list(PortListOptions.create().deviceId(r.getId())
              .deviceOwner(SandboxInfra.ROUTER_INTERFACE)))) {
        count(deleted, "router interfaces", Neutron.detach(s, r.getId(), null, p.getId()));
      }
      if (r.getExternalGatewayInfo() != null) {
        s.call("clear the gateway of router " + r.getId(), () -> s.os().networking().router()
            .update(NeutronRouter.builder().id(r.getId()).clearExternalGateway().build()));
      }
      count(deleted, "routers", Neutron.delete(s, "delete router " + r.getId(), () -> s.os()
          .networking().router().delete(r.getId())));
    }
    for (Network n : networks) {
      scope.checkCancelled("deleting network " + n.getId());
      for (Port p : ports(n.getId())) {
        count(deleted, "ports", Neutron.delete(s, "delete port " + p.getId(), () -> s.os()
            .networking().port().delete(p.getId())));
      }
      for (String sub : n.getSubnets() == null ? List.<String>of() : n.getSubnets()) {
        count(deleted, "subnets", Neutron.delete(s, "delete subnet " + sub, () -> s.os()
            .networking().subnet().delete(sub)));
      }
      count(deleted, "networks", Neutron.delete(s, "delete network " + n.getId(), () -> s
          .os().networking().network().delete(n.getId())));
    }
    String sandboxGroup = SandboxMarks.sandboxGroup(sandbox);
    String appGroups = prefix + "app-";
    String appMark = SandboxMarks.appGroupMark(sandbox);
    List<SecurityGroup> groups = new ArrayList<>(s.call("list security groups", () -> s.os()
        .networking().securitygroup().list()).stream().filter(g -> sandboxGroup.equals(
            g.getName()) || g.getName() != null && g.getName().startsWith(appGroups)
            && g.getDescription() != null && g.getDescription().startsWith(appMark))
        .toList());
    // the apps' groups first: they may refer to nothing, the sandbox group is their peer's
    groups.sort((a, b) -> Boolean.compare(sandboxGroup.equals(a.getName()),
        sandboxGroup.equals(b.getName())));
    for (SecurityGroup g : groups) {
      count(deleted, "security groups", Neutron.delete(s, "delete security group "
          + g.getId(), () -> s.os().networking().securitygroup().delete(g.getId())));
    }
    count(deleted, "key pairs", new SandboxKeyPair(s).delete(sandbox));
  }

  private List<? extends Port> ports(String networkId) {
    return s.call("list the ports of network " + networkId, () -> s.os().networking().port()
        .list(PortListOptions.create().networkId(networkId)));
  }

  static boolean onSubnet(Port p, String subnetId) {
    if (p.getFixedIps() == null) {
      return false;
    }
    for (IP ip : p.getFixedIps()) {
      if (subnetId.equals(ip.getSubnetId())) {
        return true;
      }
    }
    return false;
  }

  private static void count(Map<String, Integer> deleted, String kind, boolean wasThere) {
    if (wasThere) {
      deleted.merge(kind, 1, Integer::sum);
    }
  }

  private static String summary(Map<String, Integer> deleted) {
    List<String> parts = new ArrayList<>();
    deleted.forEach((k, n) -> parts.add(n + " " + k));
    return String.join(", ", parts);
  }
}
