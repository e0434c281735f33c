package dev.hangar.driver.openstack;

import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.PlannedOperation.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * The plan of one Deploy of {@code OpenStack Instance}, read from the cloud without changing
 * it: the ports on sandbox subnets (L3), the server (name, image, flavor with its vCPUs and RAM,
 * network or ports, key pair, the metadata marks it would carry) and the floating IP, in the
 * order {@link ServerDeployer} makes them. A Deploy whose server an earlier attempt booted plans
 * {@code exists} for it, its ports and a floating IP already there.
 */
final class OpenStackDeployPlan {
  private final OsSession s;

  OpenStackDeployPlan(OsSession s) {
    this.s = s;
  }

  List<PlannedOperation> plan(DeployRequest request, String sandbox) {
    if (sandbox.isEmpty()) {
      throw new ClientException("Deploy needs the reservation id of the sandbox");
    }
    ServerPlan plan = ServerPlan.of(request, s.settings());
    String where = s.settings().region().isEmpty() ? s.settings().keystoneUrl()
        : s.settings().region();
    Servers servers = new Servers(s);
    List<PlannedOperation> out = new ArrayList<>();
    Optional<Server> earlier = servers.findByAction(plan.vmName(), sandbox, plan.actionId());
    if (earlier.isPresent()) {
      Server x = earlier.get();
      List<Port> ports = servers.ports(x.getId());
      for (Port p : ports) {
        out.add(new PlannedOperation(Op.EXISTS, "port", p.getName(), p.getId(), where,
            Map.of()));
      }
      out.add(new PlannedOperation(Op.EXISTS, "server", x.getName(), x.getId(), where,
          Map.of()));
      if (plan.floatingIp() && !ports.isEmpty()) {
        String portId = ports.get(0).getId();
        for (var f : s.call("list floating IPs of port " + portId, () -> s.os().networking()
            .floatingip().list(Map.of("port_id", portId)))) {
          out.add(new PlannedOperation(Op.EXISTS, "floating-ip", f.getFloatingIpAddress(),
              f.getId(), where, Map.of()));
        }
      }
      return out;
    }
    Resolver names = new Resolver(s);
    String image = names.image(plan.image());
    String flavorId = names.flavor(plan.flavor());
    Flavor flavor = s.call("read flavor " + flavorId, () -> s.os().compute().flavors()
        .get(flavorId));
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("image", image);
    server.put("flavor", flavorId);
    if (flavor != null) {
      server.put("vcpus", flavor.getVcpus());
      server.put("ramMiB", flavor.getRam());
    }
    List<ConnectSubnet> nics = SubnetPorts.ordered(request.subnets());
    if (nics.isEmpty()) {
      server.put("network", names.network(s.settings().managementNetwork(),
          "Management Network"));
    } else {
      List<String> portNames = new ArrayList<>();
      for (int i = 0; i < nics.size(); i++) {
        ConnectSubnet c = nics.get(i);
        String name = SandboxMarks.nic(sandbox, plan.actionId(), i);
        portNames.add(name);
        Port found = s.call("find port " + name, () -> s.os().networking().port().list(
            PortListOptions.create().name(name))).stream().filter(p -> name.equals(
                p.getName())).findFirst().orElse(null);
        String subnet = c.actionParams() == null ? "" : c.actionParams().subnetId();
        out.add(new PlannedOperation(found == null ? Op.CREATE : Op.EXISTS, "port", name,
            found == null ? "" : found.getId(), where, Map.of("subnet", subnet == null ? ""
                : subnet)));
      }
      server.put("ports", portNames);
      if (new SandboxKeyPair(s).find(sandbox) != null) {
        server.put("keyPair", SandboxMarks.keyPair(sandbox));
      }
    }
    if (!plan.availabilityZone().isEmpty()) {
      server.put("availabilityZone", plan.availabilityZone());
    }
    Map<String, String> marks = new LinkedHashMap<>(Marks.server(sandbox, plan.appName(),
        plan.actionId()));
    marks.putAll(LeaseMarks.metadata(s.lease()));
    server.put("metadata", marks);
    // taken before the boot and deleted once the server is ACTIVE (ServerClaims)
    server.put("deployClaim", ServerClaims.name(sandbox, plan.actionId()));
    out.add(new PlannedOperation(Op.CREATE, "server", plan.vmName(), "", where, server));
    if (plan.floatingIp()) {
      out.add(new PlannedOperation(Op.CREATE, "floating-ip", "", "", where, Map.of(
          "network", names.network(s.settings().externalNetwork(), "External Network"),
          "description", s.describe(Marks.floatingIp(sandbox, plan.actionId())))));
    }
    return out;
  }
}
