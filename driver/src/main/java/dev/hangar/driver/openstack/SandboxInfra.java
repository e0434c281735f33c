package dev.hangar.driver.openstack;

import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.ActionResults;
import dev.hangar.datamodel.result.PrepareNetworkResult;
import dev.hangar.datamodel.result.PrepareSubnetResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import dev.hangar.driver.spi.SandboxInfraRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openstack4j.model.network.AttachInterfaceType;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;
import org.openstack4j.openstack.networking.domain.NeutronRouter;
import org.openstack4j.openstack.networking.domain.NeutronSecurityGroup;
import org.openstack4j.openstack.networking.domain.NeutronSecurityGroupRule;
import org.openstack4j.openstack.networking.domain.NeutronSubnet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PrepareSandboxInfra on OpenStack: the sandbox's Neutron network, its router with the
 * provider's External Network as gateway, the sandbox security group (its members reach each
 * other), the Nova key pair, and one subnet per prepareSubnet, each an interface of the router.
 * Every object is named after the sandbox ({@link SandboxMarks}) and looked up by that name
 * before it is made, so a second Prepare returns what the first made. When an action fails (or
 * the command is cancelled) everything this run made is deleted again, newest first, and every
 * action's result says so: the sandbox is left as the run found it.
 */
final class SandboxInfra {
  private static final Logger log = LoggerFactory.getLogger(SandboxInfra.class);
  static final String ROUTER_INTERFACE = "network:router_interface";
  private final OsSession s;
  private final Supplier<List<SandboxCidr>> inUse;
  private List<SandboxCidr> networksInUse = List.of();

  /** @param inUse the provider's 'Networks in use', read (and checked) in the first action */
  SandboxInfra(OsSession s, Supplier<List<SandboxCidr>> inUse) {
    this.s = s;
    this.inUse = inUse;
  }

  /** What subnets need from the prepared network. */
  private record Prepared(SandboxCidr cidr, String networkId, String routerId,
      List<String> subnetIds) {}

  List<ActionResult> prepare(SandboxInfraRequest r, CommandScope scope) {
    String sandbox = scope.reservationId();
    Rollback rollback = new Rollback(e -> scope.redact(String.valueOf(e.getMessage())));
    List<ActionResult> out = new ArrayList<>();
    String failing = r.network().type() + " " + r.network().actionId();
    try {
      if (sandbox.isEmpty()) {
        throw new ClientException("PrepareSandboxInfra needs the reservation id of the sandbox");
      }
      networksInUse = List.copyOf(inUse.get());
      Prepared net = network(r, sandbox, rollback, scope, out);
      if (r.createKeys() != null) {
        failing = r.createKeys().type() + " " + r.createKeys().actionId();
        scope.checkCancelled("creating the sandbox key pair");
        out.add(new SandboxKeyPair(s).create(r.createKeys().actionId(), sandbox, rollback,
            scope));
      }
      for (PrepareSubnet p : r.subnets()) {
        failing = p.type() + " " + p.actionId();
        scope.checkCancelled("preparing subnet " + (p.actionParams() == null ? ""
            : p.actionParams().cidr()));
        out.add(subnet(p, net, sandbox, rollback, scope));
      }
      rollback.commit();
      return out;
    } catch (RuntimeException e) {
      String m = message(e, scope);
      String undo = rollback.undo();
      String suffix = undo.isEmpty() ? "" : " (" + scope.redact(undo) + ")";
      String others = "not prepared: " + failing + " failed and what this PrepareSandboxInfra"
          + " made was deleted again: " + m + suffix;
      List<ActionResult> failed = new ArrayList<>();
      failed.add(result(r.network().actionId(), r.network().type(), failing, m + suffix,
          others));
      if (r.createKeys() != null) {
        failed.add(result(r.createKeys().actionId(), r.createKeys().type(), failing,
            m + suffix, others));
      }
      for (PrepareSubnet p : r.subnets()) {
        failed.add(result(p.actionId(), p.type(), failing, m + suffix, others));
      }
      return failed;
    }
  }

  private static ActionResult result(String actionId, String type, String failing, String own,
      String others) {
    return ActionResults.failure(actionId, type, failing.equals(type + " " + actionId) ? own
        : others);
  }

  static String message(RuntimeException e, CommandScope scope) {
    if (e instanceof HangarException) {
      return scope.redact(e.getMessage());
    }
    String m = scope.redact("internal error (" + e.getClass().getSimpleName() + "): "
        + e.getMessage());
    log.error("{}", m);
    return m;
  }

  private Prepared network(SandboxInfraRequest r, String sandbox, Rollback rollback,
      CommandScope scope, List<ActionResult> out) {
    SandboxCidr cidr = SandboxCidr.parse(r.network().actionParams() == null ? null
        : r.network().actionParams().cidr(), "prepareCloudInfra CIDR");
    notInUse(cidr, "prepareCloudInfra");
    if (s.settings().externalNetwork().isEmpty()) {
      throw new ClientException("cloud provider '" + s.settings().providerName() + "' has no"
          + " 'External Network': an L3 sandbox's router needs one as its gateway");
    }
    String external = new Resolver(s).network(s.settings().externalNetwork(),
        "External Network");
    scope.progress("preparing the sandbox network " + cidr);
    String netName = SandboxMarks.network(sandbox);
    Network net = Neutron.byName(s.call("find network " + netName, () -> s.os().networking()
        .network().list(Map.of("name", netName))), netName);
    String made = "found";
    if (net == null) {
      Network created = s.call("create network " + netName, () -> s.os().networking()
          .network().create(Described.network(s.describe("")).name(netName).adminStateUp(true)
              .build()));
      net = created;
      rollback.push("delete network " + created.getId(), () -> Neutron.delete(s,
          "delete network " + created.getId(), () -> s.os().networking().network()
              .delete(created.getId())));
      made = "created";
    }
    scope.checkCancelled("creating the sandbox router");
    String routerId = router(sandbox, external, rollback);
    scope.checkCancelled("creating the sandbox security group");
    String group = sandboxGroup(sandbox, rollback);
    out.add(new PrepareNetworkResult(r.network().actionId(), true, made + " network "
        + net.getId() + " (" + cidr + ") with router " + routerId + " to "
        + s.settings().externalNetwork(), "", net.getId(), group));
    return new Prepared(cidr, net.getId(), routerId, net.getSubnets() == null ? List.of()
        : List.copyOf(net.getSubnets()));
  }

  private String router(String sandbox, String external, Rollback rollback) {
    String name = SandboxMarks.router(sandbox);
    Router found = Neutron.routers(s).stream().filter(x -> name.equals(x.getName()))
        .min(java.util.Comparator.comparing(Router::getId)).orElse(null);
    if (found == null) {
      Router made = s.call("create router " + name, () -> s.os().networking().router().create(
          Described.router(s.describe("")).name(name).adminStateUp(true).externalGateway(external)
              .build()));
      rollback.push("delete router " + made.getId(), () -> Neutron.delete(s, "delete router "
          + made.getId(), () -> s.os().networking().router().delete(made.getId())));
      return made.getId();
    }
    if (found.getExternalGatewayInfo() == null
        || !external.equals(found.getExternalGatewayInfo().getNetworkId())) {
      s.call("set the gateway of router " + found.getId(), () -> s.os().networking().router()
          .update(NeutronRouter.builder().id(found.getId()).externalGateway(external)
              .build()));
    }
    return found.getId();
  }

  private String sandboxGroup(String sandbox, Rollback rollback) {
    String name = SandboxMarks.sandboxGroup(sandbox);
    SecurityGroup found = Neutron.group(s, name);
    String id;
    boolean hasRule;
    if (found == null) {
      SecurityGroup made = s.call("create security group " + name, () -> s.os().networking()
          .securitygroup().create(NeutronSecurityGroup.builder().name(name)
              .description(s.describe("Hangar sandbox " + sandbox + ": traffic between its apps"))
              .build()));
      id = made.getId();
      rollback.push("delete security group " + id, () -> Neutron.delete(s,
          "delete security group " + id, () -> s.os().networking().securitygroup()
              .delete(id)));
      hasRule = false;
    } else {
      id = found.getId();
      hasRule = found.getRules() != null && found.getRules().stream().anyMatch(x ->
          "ingress".equals(x.getDirection()) && id.equals(x.getRemoteGroupId()));
    }
    if (!hasRule) {
      Neutron.addRule(s, "allow traffic inside security group " + id,
          NeutronSecurityGroupRule.builder().securityGroupId(id).direction("ingress")
              .ethertype("IPv4").remoteGroupId(id).build());
    }
    return id;
  }

  /**
   * Refuses a CIDR that overlaps the provider's 'Networks in use': the standard's "reserved
   * network ranges to be excluded when allocating sandbox networks".
   */
  private void notInUse(SandboxCidr cidr, String action) {
    for (SandboxCidr reserved : networksInUse) {
      if (reserved.overlaps(cidr)) {
        throw new ClientException(action + " CIDR " + cidr + " overlaps " + reserved
            + " of attribute 'Networks in use' of cloud provider '"
            + s.settings().providerName() + "' (ranges reserved for other networks); choose a"
            + " CIDR outside it or change the attribute");
      }
    }
  }

  private PrepareSubnetResult subnet(PrepareSubnet p, Prepared net, String sandbox,
      Rollback rollback, CommandScope scope) {
    PrepareSubnet.Params params = p.actionParams();
    if (params == null) {
      throw new ClientException("prepareSubnet " + p.actionId() + " has no actionParams");
    }
    SandboxCidr cidr = SandboxCidr.parse(params.cidr(), "prepareSubnet CIDR");
    notInUse(cidr, "prepareSubnet");
    if (!net.cidr().contains(cidr)) {
      throw new ClientException("prepareSubnet CIDR " + cidr + " is not inside the sandbox"
          + " network " + net.cidr());
    }
    if (cidr.prefix() > 29) {
      throw new ClientException("prepareSubnet CIDR " + cidr + ": a sandbox subnet is at most"
          + " /29 (its router and DHCP take addresses)");
    }
    String name = SandboxMarks.subnet(sandbox, cidr);
    Subnet found = null;
    for (String sid : net.subnetIds()) {
      Subnet x = s.call("read subnet " + sid, () -> s.os().networking().subnet().get(sid));
      if (x != null && name.equals(x.getName())) {
        found = x;
      }
    }
    String id;
    String made;
    if (found == null) {
      Subnet created = s.call("create subnet " + cidr, () -> s.os().networking().subnet()
          .create(Described.subnet(s.describe("")).name(name).networkId(net.networkId())
              .ipVersion(IPVersionType.V4).cidr(cidr.toString()).enableDHCP(true).build()));
      id = created.getId();
      rollback.push("delete subnet " + id, () -> Neutron.delete(s, "delete subnet " + id,
          () -> s.os().networking().subnet().delete(id)));
      made = "created";
    } else {
      id = found.getId();
      made = "found";
    }
    if (!onRouter(net.routerId(), id)) {
      s.call("put subnet " + id + " on router " + net.routerId(), () -> s.os().networking()
          .router().attachInterface(net.routerId(), AttachInterfaceType.SUBNET, id));
      rollback.push("take subnet " + id + " off router " + net.routerId(), () -> Neutron
          .detach(s, net.routerId(), id, null));
    }
    scope.progress(made + " subnet " + cidr + " (" + id + ")");
    boolean isPublic = Boolean.TRUE.equals(params.isPublic());
    return new PrepareSubnetResult(p.actionId(), true, made + " " + (isPublic ? "public"
        : "private") + " subnet " + id + " (" + cidr + ") on router " + net.routerId(), "",
        id);
  }

  private boolean onRouter(String routerId, String subnetId) {
    List<? extends Port> ports = s.call("list the interfaces of router " + routerId,
        () -> s.os().networking().port().list(PortListOptions.create().deviceId(routerId)
            .deviceOwner(ROUTER_INTERFACE)));
    return ports.stream().anyMatch(p -> p.getFixedIps() != null && p.getFixedIps().stream()
        .anyMatch(ip -> subnetId.equals(ip.getSubnetId())));
  }
}
