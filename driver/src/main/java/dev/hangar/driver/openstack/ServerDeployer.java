package dev.hangar.driver.openstack;

import dev.hangar.datamodel.request.Attribute;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.Rollback;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.compute.builder.ServerCreateBuilder;
import org.openstack4j.model.network.NetFloatingIP;
import org.openstack4j.model.network.Port;
import org.openstack4j.openstack.compute.domain.NovaServerCreate;
import org.openstack4j.openstack.networking.domain.NeutronFloatingIP;

/**
 * Deploy of {@code OpenStack Instance}: boots a server on the management network with the
 * sandbox, app and actionId in its metadata, waits for ACTIVE (and, with Wait for IP, for its
 * address), and with Floating IP associates one from the external network. A retried Deploy
 * finds the server of its actionId instead of booting a second. A failure or cancellation
 * after the boot deletes what was made, newest first. On an L3 sandbox (connectSubnet actions)
 * the server boots on ports of the sandbox's subnets ({@link SubnetPorts}) instead of the
 * management network, with the sandbox's key pair, and each connectSubnet gets its result.
 * The same actionId on several hosts at once makes one server: each attempt first takes the
 * Deploy's claim ({@link ServerClaims}), so one finds or boots the server while the others
 * wait, then find it.
 */
final class ServerDeployer {
  private final OsSession s;
  private final Servers servers;

  ServerDeployer(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
  }

  DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    String sandbox = scope.reservationId();
    if (sandbox.isEmpty()) {
      throw new ClientException("Deploy needs the reservation id of the sandbox");
    }
    ServerPlan plan = ServerPlan.of(request, s.settings());
    Resolver names = new Resolver(s);
    Rollback rollback = new Rollback();
    List<ConnectSubnet> nics = SubnetPorts.ordered(request.subnets());
    try {
      // One attempt at a time per actionId, across hosts: it finds or boots the server
      ServerClaims.Held claim = new ServerClaims(s).take(ServerClaims.name(sandbox,
          plan.actionId()), plan.vmName(), scope);
      rollback.push("release the deploy claim " + claim.name(), claim::release);
      Optional<Server> earlier = servers.findByAction(plan.vmName(), sandbox, plan.actionId());
      String id;
      String info;
      if (earlier.isPresent()) {
        id = earlier.get().getId();
        info = "found server " + id + " that an earlier attempt of this Deploy booted";
      } else {
        String image = names.image(plan.image());
        String flavor = names.flavor(plan.flavor());
        ServerCreateBuilder b = NovaServerCreate.builder();
        if (nics.isEmpty()) {
          b.networks(List.of(names.network(s.settings().managementNetwork(),
              "Management Network")));
        } else {
          // L3: the NICs are ports on the sandbox's subnets, with the sandbox's key pair
          new SubnetPorts(s).create(nics, sandbox, plan.actionId(), rollback, scope)
              .forEach(p -> b.addNetworkPort(p.getId()));
          if (new SandboxKeyPair(s).find(sandbox) != null) {
            b.keypairName(SandboxMarks.keyPair(sandbox));
          }
        }
        scope.checkCancelled("booting " + plan.vmName());
        scope.progress("booting " + plan.vmName() + " (image " + plan.image() + ", flavor "
            + plan.flavor() + ")");
        id = boot(b, plan, sandbox, image, flavor);
        info = "booted server " + id;
      }
      String serverId = id;
      rollback.push("delete server " + id, () -> servers.deleteAndWait(serverId, scope, false));
      new OpenStackQuota(s).afterBoot(id, scope);
      scope.progress("waiting for server " + id + " (" + plan.vmName() + ") to be ACTIVE");
      Server active = servers.awaitStatus(id, Server.Status.ACTIVE, s.timeouts().active(), scope);
      new OpenStackQuota(s).afterSettle(active, scope);
      if (plan.floatingIp()) {
        attachFloatingIp(active, sandbox, plan, names, rollback, scope);
      }
      // What two attempts must not do at once is done: the others may adopt the server now
      // (the wait for its address only reads).
      claim.releaseKeeping(scope);
      Server ready = plan.waitForIp() ? awaitAddress(active, plan, scope) : servers.get(id)
          .orElse(active);
      rollback.commit();
      DeployOutcome done = outcome(ready, plan, info);
      return nics.isEmpty() ? done : new DeployOutcome(done.deployed(), SubnetPorts.results(
          nics, sandbox, plan.actionId(), servers.ports(id),
          ServerDetails.addresses(ready, s.settings()).publicIp()));
    } catch (RuntimeException e) {
      throw rollback.undoAfter(e);
    }
  }

  private String boot(ServerCreateBuilder b, ServerPlan plan, String sandbox, String image,
      String flavor) {
    Map<String, String> marks = new LinkedHashMap<>(Marks.server(sandbox, plan.appName(),
        plan.actionId()));
    marks.putAll(LeaseMarks.metadata(s.lease()));
    b.name(plan.vmName()).image(image).flavor(flavor).addMetadata(marks);
    if (!plan.availabilityZone().isEmpty()) {
      b.availabilityZone(plan.availabilityZone());
    }
    if (!plan.userData().isEmpty()) {
      b.userData(Base64.getEncoder().encodeToString(
          plan.userData().getBytes(StandardCharsets.UTF_8)));
    }
    ServerCreate create = b.build();
    Server made = s.call("boot server " + plan.vmName(), () -> s.os().compute().servers()
        .boot(create));
    if (made == null || made.getId() == null) {
      throw BackendException.failed("boot server " + plan.vmName() + ": Nova answered no"
          + " server", null);
    }
    return made.getId();
  }

  private void attachFloatingIp(Server server, String sandbox, ServerPlan plan,
      Resolver names, Rollback rollback, CommandScope scope) {
    String description = Marks.floatingIp(sandbox, plan.actionId());
    List<Port> ports = servers.ports(server.getId());
    if (ports.isEmpty()) {
      throw BackendException.failed("server " + server.getId() + " has no port to give a"
          + " floating IP", null);
    }
    String portId = ports.get(0).getId();
    for (NetFloatingIP f : s.call("list floating IPs of port " + portId, () -> s.os()
        .networking().floatingip().list(Map.of("port_id", portId)))) {
      if (description.equals(LeaseMarks.base(f.getDescription()))) {
        return; // an earlier attempt associated it
      }
    }
    String external = names.network(s.settings().externalNetwork(), "External Network");
    scope.checkCancelled("taking a floating IP");
    NetFloatingIP made = s.call("take a floating IP from network "
        + s.settings().externalNetwork(), () -> s.os().networking().floatingip().create(
            NeutronFloatingIP.builder().floatingNetworkId(external).portId(portId)
                .description(s.describe(description)).build()));
    rollback.push("release floating IP " + made.getFloatingIpAddress(), () -> s.action(
        "release floating IP " + made.getId(), true, () -> s.os().networking().floatingip()
            .delete(made.getId())));
    new OpenStackQuota(s).afterFloatingIp(made.getId(), scope);
    scope.progress("floating IP " + made.getFloatingIpAddress() + " on " + plan.vmName());
  }

  /** Polls until the server has a fixed address matching IP Regex (and a floating one). */
  private Server awaitAddress(Server first, ServerPlan plan, CommandScope scope) {
    long deadline = OsSession.deadline(plan.ipTimeout());
    Server current = first;
    while (true) {
      Addresses a = ServerDetails.addresses(current, s.settings());
      boolean privateOk = !a.privateIp().isEmpty() && (plan.ipRegex() == null
          || plan.ipRegex().matcher(a.privateIp()).find());
      if (privateOk && (!plan.floatingIp() || !a.publicIp().isEmpty())) {
        return current;
      }
      if (OsSession.passed(deadline)) {
        throw new BackendException("server " + current.getId() + " had no "
            + (privateOk ? "floating address" : "fixed address matching IP Regex") + " after "
            + plan.ipTimeout().toSeconds() + " s (Refresh IP Timeout); set 'Wait for IP' to"
            + " False to deploy without waiting", true, false, null);
      }
      s.pause(scope, "the address of server " + current.getId());
      String id = current.getId();
      current = servers.get(id).orElseThrow(() -> BackendException.failed("server " + id
          + " disappeared while waiting for its address", null));
    }
  }

  private DeployOutcome outcome(Server server, ServerPlan plan, String info) {
    Addresses a = ServerDetails.addresses(server, s.settings());
    List<Attribute> attributes = a.publicIp().isEmpty() ? List.of()
        : List.of(new Attribute("Public IP", a.publicIp()));
    Map<String, Object> additional = new LinkedHashMap<>();
    additional.put("Server Name", server.getName());
    additional.put("Keystone URL", s.settings().keystoneUrl());
    DeployAppResult deployed = new DeployAppResult(plan.actionId(), true, info, "",
        server.getId(), server.getName(), a.privateIp(), attributes, additional,
        ServerDetails.of(server, servers.ports(server.getId()), plan.appName(),
            s.settings()));
    return new DeployOutcome(deployed, List.of());
  }
}
