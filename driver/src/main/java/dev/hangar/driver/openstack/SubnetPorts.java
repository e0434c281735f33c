package dev.hangar.driver.openstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronPort;

/**
 * A Deploy's NICs on an L3 sandbox: one Neutron port per connectSubnet action, ordered by
 * vnicName, on the sandbox subnet it names, in the sandbox security group, named after the
 * sandbox, the actionId and the NIC's index, so that a retried Deploy finds its ports and
 * DeleteInstance deletes them with the server (Nova keeps ports it did not make). The server
 * boots on these ports instead of the management network.
 */
final class SubnetPorts {
  private final OsSession s;

  SubnetPorts(OsSession s) {
    this.s = s;
  }

  /** The connectSubnet actions by vnicName: numbers by value, names after, none last. */
  static List<ConnectSubnet> ordered(List<ConnectSubnet> subnets) {
    List<ConnectSubnet> out = new ArrayList<>(subnets);
    out.sort(Comparator.comparingLong(SubnetPorts::rank).thenComparing(c -> vnic(c)));
    return out;
  }

  private static String vnic(ConnectSubnet c) {
    return c.actionParams() == null || c.actionParams().vnicName() == null ? ""
        : c.actionParams().vnicName().strip();
  }

  private static long rank(ConnectSubnet c) {
    String n = vnic(c);
    if (n.isEmpty()) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE - 1;
    }
  }

  /** The ports of the ordered actions, made where missing (undone by {@code rollback}). */
  List<Port> create(List<ConnectSubnet> ordered, String sandbox, String deployActionId,
      Rollback rollback, CommandScope scope) {
    SecurityGroup group = Neutron.group(s, SandboxMarks.sandboxGroup(sandbox));
    if (group == null) {
      throw new ClientException("the sandbox has no security group "
          + SandboxMarks.sandboxGroup(sandbox) + ": run PrepareSandboxInfra first");
    }
    List<Port> out = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      ConnectSubnet c = ordered.get(i);
      String subnetId = c.actionParams() == null ? null : c.actionParams().subnetId();
      if (subnetId == null || subnetId.isBlank()) {
        throw new ClientException("connectSubnet " + c.actionId() + " names no subnetId");
      }
      String id = subnetId.strip();
      Subnet subnet = s.call("read subnet " + id, () -> s.os().networking().subnet().get(id));
      if (subnet == null) {
        throw new ClientException("connectSubnet " + c.actionId() + ": subnet " + id
            + " does not exist; was the sandbox cleaned up?");
      }
      if (subnet.getName() == null || !subnet.getName().startsWith(SandboxMarks.prefix(
          sandbox))) {
        throw new ClientException("connectSubnet " + c.actionId() + ": subnet " + id
            + " is not one of this sandbox's (PrepareSandboxInfra makes them)");
      }
      String name = SandboxMarks.nic(sandbox, deployActionId, i);
      Port found = s.call("find port " + name, () -> s.os().networking().port().list(
          PortListOptions.create().name(name))).stream().filter(p -> name.equals(p.getName()))
          .findFirst().orElse(null);
      if (found != null) {
        out.add(found);
        continue;
      }
      scope.checkCancelled("creating port " + name);
      Port made = s.call("create a port on subnet " + id, () -> s.os().networking().port()
          .create(NeutronPort.builder().name(name).networkId(subnet.getNetworkId())
              .fixedIp(null, id).securityGroup(group.getId()).build()));
      rollback.push("delete port " + made.getId(), () -> s.action("delete port "
          + made.getId(), true, () -> s.os().networking().port().delete(made.getId())));
      out.add(made);
    }
    return out;
  }

  /** One ConnectToSubnet result per action, from the server's ports as they are now. */
  static List<ConnectToSubnetResult> results(List<ConnectSubnet> ordered, String sandbox,
      String deployActionId, List<Port> serverPorts, String floatingIp) {
    List<ConnectToSubnetResult> out = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      String name = SandboxMarks.nic(sandbox, deployActionId, i);
      Port p = serverPorts.stream().filter(x -> name.equals(x.getName())).findFirst()
          .orElse(null);
      String actionId = ordered.get(i).actionId();
      out.add(p == null ? new ConnectToSubnetResult(actionId, false, "", "the server has no"
          + " port " + name, "") : new ConnectToSubnetResult(actionId, true, "", "",
          interfaceJson(p, i, i == 0 ? floatingIp : "")));
    }
    return out;
  }

  /** The ConnectToSubnet {@code interface}: the port as the AWS backend describes its ENI. */
  private static String interfaceJson(Port p, int device, String floatingIp) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interface_id", p.getId());
    m.put("IP", ServerDetails.fixedIp(p));
    m.put("Public IP", floatingIp);
    m.put("Floating IP", !floatingIp.isEmpty());
    m.put("MAC Address", p.getMacAddress() == null ? "" : p.getMacAddress());
    m.put("Device Index", device);
    try {
      return WireCodec.standard().mapper().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
