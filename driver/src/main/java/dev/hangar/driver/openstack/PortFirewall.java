package dev.hangar.driver.openstack;

import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.app.AppSecurityGroups.Rule;
import dev.hangar.datamodel.app.AppSecurityGroups.SecurityGroupConfiguration;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.SecurityGroupRule;
import org.openstack4j.model.network.builder.PortBuilder;
import org.openstack4j.openstack.networking.domain.NeutronPort;
import org.openstack4j.openstack.networking.domain.NeutronSecurityGroup;
import org.openstack4j.openstack.networking.domain.NeutronSecurityGroupRule;

/**
 * SetAppSecurityGroups on OpenStack: for each app and each of its subnets, a security group of
 * the app's own ({@link SandboxMarks#appGroup}, so Cleanup finds it by the sandbox prefix)
 * holding the inbound rules, added to the server's port on that subnet beside the sandbox
 * group. Rules only add up: a repeated request changes nothing. Every rule is checked before
 * anything is made. One result per app; one app failing does not stop the others.
 */
final class PortFirewall {
  private final OsSession s;

  PortFirewall(OsSession s) {
    this.s = s;
  }

  /** One inbound rule as Neutron takes it; {@code protocol} null: any, ports null: all. */
  record Inbound(String protocol, Integer min, Integer max, String source) {}

  List<SecurityGroupResult> apply(List<AppSecurityGroups> apps, CommandScope scope) {
    List<SecurityGroupResult> out = new ArrayList<>();
    Servers servers = new Servers(s);
    for (AppSecurityGroups app : apps) {
      String name = app.deployedApp() == null || app.deployedApp().name() == null ? ""
          : app.deployedApp().name();
      try {
        scope.checkCancelled("opening ports on " + name);
        String id = app.deployedApp() == null ? null : app.deployedApp().vmUid();
        if (id == null || id.isBlank()) {
          throw new ClientException("app '" + name + "' has no vmdetails.uid");
        }
        String serverId = id.strip();
        servers.get(serverId).orElseThrow(() -> new ClientException("server " + serverId
            + " of app '" + name + "' no longer exists"));
        List<Port> ports = servers.ports(serverId);
        for (SecurityGroupConfiguration c : app.securityGroupsConfigurations()) {
          List<Inbound> rules = new ArrayList<>();
          for (Rule r : c.rules()) {
            rules.add(inbound(r));
          }
          open(serverId, ports, c.subnetId(), rules, scope.reservationId());
        }
        out.add(new SecurityGroupResult(name, true, ""));
      } catch (RuntimeException e) {
        out.add(new SecurityGroupResult(name, false, SandboxInfra.message(e, scope)));
      }
    }
    return out;
  }

  private void open(String serverId, List<Port> ports, String subnetId, List<Inbound> rules,
      String sandbox) {
    if (subnetId == null || subnetId.isBlank()) {
      throw new ClientException("a securityGroupsConfiguration of server " + serverId
          + " names no subnetId");
    }
    Port port = ports.stream().filter(p -> SandboxTeardown.onSubnet(p, subnetId)).findFirst()
        .orElseThrow(() -> new ClientException("server " + serverId + " has no port on subnet "
            + subnetId));
    String name = SandboxMarks.appGroup(sandbox, serverId, subnetId);
    SecurityGroup group = Neutron.group(s, name);
    if (group == null) {
      String description = s.describe(SandboxMarks.appGroupDescription(sandbox, serverId,
          subnetId));
      group = s.call("create security group " + name, () -> s.os().networking()
          .securitygroup().create(NeutronSecurityGroup.builder().name(name)
              .description(description).build()));
    }
    String groupId = group.getId();
    List<? extends SecurityGroupRule> existing = group.getRules() == null ? List.of()
        : group.getRules();
    for (Inbound r : rules) {
      if (existing.stream().noneMatch(x -> same(x, r))) {
        var b = NeutronSecurityGroupRule.builder().securityGroupId(groupId)
            .direction("ingress").ethertype("IPv4").protocol(r.protocol())
            .remoteIpPrefix(r.source());
        if (r.min() != null) {
          b.portRangeMin(r.min()).portRangeMax(r.max());
        }
        Neutron.addRule(s, "open ports on server " + serverId + " (" + subnetId + ")",
            b.build());
      }
    }
    List<String> current = port.getSecurityGroups() == null ? List.of()
        : port.getSecurityGroups();
    if (!current.contains(groupId)) {
      // only the groups: a port read back carries read-only fields Neutron refuses
      PortBuilder update = NeutronPort.builder();
      current.forEach(update::securityGroup);
      update.securityGroup(groupId);
      Port body = update.build();
      body.setId(port.getId());
      s.call("add security group " + groupId + " to port " + port.getId(), () -> s.os()
          .networking().port().update(body));
    }
  }

  private static boolean same(SecurityGroupRule x, Inbound r) {
    return "ingress".equals(x.getDirection()) && "IPv4".equals(x.getEtherType())
        && Objects.equals(x.getProtocol(), r.protocol())
        && Objects.equals(x.getPortRangeMin(), r.min())
        && Objects.equals(x.getPortRangeMax(), r.max())
        && Objects.equals(x.getRemoteIpPrefix(), r.source());
  }

  /**
   * One rule, checked: protocol tcp/udp/icmp/all (empty: tcp), ports 1-65535 (to empty: from),
   * source an IPv4 CIDR (empty: anywhere). ICMP opens every type.
   */
  static Inbound inbound(Rule r) {
    String proto = r.protocol() == null || r.protocol().isBlank() ? "tcp"
        : r.protocol().strip().toLowerCase(Locale.ROOT);
    String source = r.source() == null || r.source().isBlank() ? "0.0.0.0/0"
        : SandboxCidr.parse(r.source(), "rule source").toString();
    return switch (proto) {
      case "tcp", "udp" -> {
        int low = port(r.fromPort());
        int high = r.toPort() == null || r.toPort().isBlank() ? low : port(r.toPort());
        if (high < low) {
          throw new ClientException("rule ports " + low + "-" + high + ": the range is"
              + " reversed");
        }
        yield new Inbound(proto, low, high, source);
      }
      case "icmp" -> new Inbound(proto, null, null, source);
      case "all", "any", "-1" -> new Inbound(null, null, null, source);
      default -> throw new ClientException("rule protocol '" + shown(proto) + "': use tcp,"
          + " udp, icmp or all");
    };
  }

  private static int port(String text) {
    try {
      int p = Integer.parseInt(text == null ? "" : text.strip());
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ClientException("rule port '" + shown(String.valueOf(text)) + "' is not"
        + " 1-65535");
  }

  private static String shown(String v) {
    return v.length() > 20 ? v.substring(0, 20) + "..." : v;
  }
}
