package dev.hangar.driver.aws;

import dev.hangar.datamodel.app.AppSecurityGroups.Rule;
import dev.hangar.datamodel.app.AppSecurityGroups.SecurityGroupConfiguration;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * SetAppSecurityGroups: for each app and each of its subnets, a security group of the app's own
 * (tagged with the sandbox, the instance and the subnet) holding the inbound rules, added to the
 * app's interface on that subnet beside the sandbox group. Rules only add up: a repeated request
 * changes nothing. One result per app; one app failing does not stop the others.
 */
final class AppFirewall {
  static final String SUBNET_TAG = "hangar:subnet";
  private final Ec2Session s;

  AppFirewall(Ec2Session s) {
    this.s = s;
  }

  List<SecurityGroupResult> apply(List<dev.hangar.datamodel.app.AppSecurityGroups> apps,
      CommandScope scope) {
    List<SecurityGroupResult> out = new ArrayList<>();
    // The apps' instances in one read (a gone one is missing from it, not an error of all).
    Map<String, Instance> instances;
    RuntimeException unread = null;
    try {
      instances = new Instances(s).byIds("read the instances of the apps", apps.stream()
          .map(a -> a.deployedApp() == null ? null : a.deployedApp().vmUid())
          .filter(id -> id != null && !id.isBlank()).toList());
    } catch (RuntimeException e) {
      instances = Map.of();
      unread = e;
    }
    for (var app : apps) {
      String name = app.deployedApp() == null || app.deployedApp().name() == null ? ""
          : app.deployedApp().name();
      try {
        scope.checkCancelled("opening ports on " + name);
        String id = app.deployedApp() == null ? null : app.deployedApp().vmUid();
        if (id == null || id.isBlank()) {
          throw new ClientException("app '" + name + "' has no vmdetails.uid");
        }
        if (unread != null) {
          throw unread;
        }
        Instance i = instances.get(id);
        if (i == null) {
          throw new ClientException("instance " + id + " of app '" + name + "' no longer exists");
        }
        for (SecurityGroupConfiguration c : app.securityGroupsConfigurations()) {
          apply(i, c, scope.reservationId());
        }
        out.add(new SecurityGroupResult(name, true, ""));
      } catch (RuntimeException e) {
        out.add(new SecurityGroupResult(name, false, AwsFailures.message(e, scope)));
      }
    }
    return out;
  }

  private void apply(Instance i, SecurityGroupConfiguration c, String sandbox) {
    InstanceNetworkInterface eni = i.networkInterfaces().stream()
        .filter(n -> n.subnetId() != null && n.subnetId().equals(c.subnetId())).findFirst()
        .orElseThrow(() -> new ClientException("instance " + i.instanceId()
            + " has no network interface on subnet " + c.subnetId()));
    List<IpPermission> rules = new ArrayList<>();
    for (Rule r : c.rules()) {
      rules.add(permission(r));
    }
    String group = group(i.instanceId(), eni, sandbox);
    if (!rules.isEmpty()) {
      try {
        s.ec2().authorizeSecurityGroupIngress(q -> q.groupId(group).ipPermissions(rules));
      } catch (SdkException e) {
        if (!"InvalidPermission.Duplicate".equals(Ec2Errors.code(e))) {
          throw Ec2Errors.wrap("open ports on " + i.instanceId() + " (" + c.subnetId() + ")", e,
              s.settings());
        }
        // Some rules exist: add them one by one so the new ones still land.
        for (IpPermission p : rules) {
          try {
            s.ec2().authorizeSecurityGroupIngress(q -> q.groupId(group).ipPermissions(p));
          } catch (SdkException one) {
            if (!"InvalidPermission.Duplicate".equals(Ec2Errors.code(one))) {
              throw Ec2Errors.wrap("open ports on " + i.instanceId(), one, s.settings());
            }
          }
        }
      }
    }
    List<String> groups = new ArrayList<>(eni.groups().stream().map(GroupIdentifier::groupId)
        .toList());
    if (!groups.contains(group)) {
      groups.add(group);
      s.run("add security group " + group + " to " + eni.networkInterfaceId(), () -> s.ec2()
          .modifyNetworkInterfaceAttribute(q -> q.networkInterfaceId(eni.networkInterfaceId())
              .groups(groups)));
    }
  }

  /**
   * The app's group for one subnet, made on first use. Its name is fixed by instance and subnet,
   * so the interface's own group list (names included) shows it once attached, and a create that
   * finds it made but not attached (an earlier failed run) looks it up: no lookup call in the
   * usual cases.
   */
  private String group(String instanceId, InstanceNetworkInterface eni, String sandbox) {
    String name = "hangar-app-" + instanceId + "-" + eni.subnetId();
    for (GroupIdentifier g : eni.groups()) {
      if (name.equals(g.groupName())) {
        return g.groupId();
      }
    }
    Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_APP_SG, "hangar " + instanceId,
        Map.of(Tags.INSTANCE, instanceId, SUBNET_TAG, eni.subnetId()));
    try {
      return s.ec2().createSecurityGroup(q -> q.groupName(name)
          .description("Hangar: inbound rules of one app on one subnet")
          .vpcId(eni.vpcId())
          .tagSpecifications(Tags.spec(ResourceType.SECURITY_GROUP, tags))).groupId();
    } catch (SdkException e) {
      if (!"InvalidGroup.Duplicate".equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("create the security group of " + instanceId, e, s.settings());
      }
    }
    List<SecurityGroup> found = s.call("find the security group of " + instanceId, () -> s.ec2()
        .describeSecurityGroups(q -> q.filters(Tags.filter("group-name", name),
            Tags.filter("vpc-id", eni.vpcId()))).securityGroups());
    if (found.isEmpty()) {
      throw BackendException.failed("security group " + name + " exists and cannot be found",
          null);
    }
    return found.get(0).groupId();
  }

  /** One rule, checked: protocol tcp/udp/icmp/all, ports 0-65535, source an IPv4 CIDR. */
  static IpPermission permission(Rule r) {
    String proto = r.protocol() == null || r.protocol().isBlank() ? "tcp"
        : r.protocol().strip().toLowerCase(Locale.ROOT);
    proto = switch (proto) {
      case "tcp", "udp", "icmp" -> proto;
      case "all", "any", "-1" -> "-1";
      default -> throw new ClientException("rule protocol '" + shown(proto) + "': use tcp, udp,"
          + " icmp or all");
    };
    String source = r.source() == null || r.source().isBlank() ? SandboxNetwork.ANYWHERE
        : r.source().strip();
    try {
      source = Cidrs.parse(source).toString();
    } catch (IllegalArgumentException e) {
      throw new ClientException("rule source: " + e.getMessage());
    }
    IpPermission.Builder b = IpPermission.builder().ipProtocol(proto)
        .ipRanges(IpRange.builder().cidrIp(source).build());
    if (!"-1".equals(proto)) {
      int low = port(r.fromPort(), "icmp".equals(proto));
      int high = r.toPort() == null || r.toPort().isBlank() ? low
          : port(r.toPort(), "icmp".equals(proto));
      if (!"icmp".equals(proto) && high < low) {
        throw new ClientException("rule ports " + low + "-" + high + ": the range is reversed");
      }
      b.fromPort(low).toPort(high);
    }
    return b.build();
  }

  private static int port(String text, boolean icmp) {
    try {
      int p = Integer.parseInt(text == null ? "" : text.strip());
      if (p >= (icmp ? -1 : 0) && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ClientException("rule port '" + shown(String.valueOf(text)) + "' is not 0-65535");
  }

  private static String shown(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "..." : s;
  }
}
