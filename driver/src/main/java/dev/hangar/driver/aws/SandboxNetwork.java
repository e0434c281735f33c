package dev.hangar.driver.aws;

import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.ActionResults;
import dev.hangar.datamodel.result.PrepareNetworkResult;
import dev.hangar.datamodel.result.PrepareSubnetResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.SandboxInfraRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * PrepareSandboxInfra: the sandbox's VPC, internet gateway, public and private route tables,
 * sandbox security group, key pair and subnets. Every object is found by its sandbox tag before
 * it is made (get-or-create), so a second run returns what the first made. A failure leaves what
 * was made for CleanupSandboxInfra (which finds it by tag) or a repeated Prepare (which finishes
 * it): rolling back here would only race the platform's own teardown.
 */
final class SandboxNetwork {
  static final String ANYWHERE = "0.0.0.0/0";
  private final Ec2Session s;

  SandboxNetwork(Ec2Session s) {
    this.s = s;
  }

  /**
   * The parts of a prepared network that subnets and keys need; {@code fresh}: the VPC was made
   * by this run, so nothing inside it can exist yet and no lookup is needed.
   */
  private record Prepared(String vpcId, Cidrs.Block cidr, String publicRt, String privateRt,
      boolean fresh) {}

  List<ActionResult> prepare(SandboxInfraRequest r, CommandScope scope) {
    String sandbox = scope.reservationId();
    List<ActionResult> out = new ArrayList<>();
    Prepared net;
    try {
      if (sandbox.isEmpty()) {
        throw new ClientException("PrepareSandboxInfra needs the reservation id of the sandbox");
      }
      net = network(r, sandbox, scope, out);
    } catch (RuntimeException e) {
      String m = AwsFailures.message(e, scope);
      out.clear();
      out.add(ActionResults.failure(r.network().actionId(), r.network().type(), m));
      String why = "not prepared: the sandbox network failed: " + m;
      if (r.createKeys() != null) {
        out.add(ActionResults.failure(r.createKeys().actionId(), r.createKeys().type(), why));
      }
      r.subnets().forEach(p -> out.add(ActionResults.failure(p.actionId(), p.type(), why)));
      return out;
    }
    if (r.createKeys() != null) {
      try {
        scope.checkCancelled("creating the sandbox key pair");
        out.add(new SandboxKeys(s).create(r.createKeys().actionId(), sandbox, net.fresh(),
            scope));
      } catch (RuntimeException e) {
        out.add(ActionResults.failure(r.createKeys().actionId(), r.createKeys().type(),
            AwsFailures.message(e, scope)));
      }
    }
    for (PrepareSubnet p : r.subnets()) {
      try {
        scope.checkCancelled("preparing subnet " + p.actionParams().cidr());
        out.add(subnet(p, net, sandbox));
      } catch (RuntimeException e) {
        out.add(ActionResults.failure(p.actionId(), p.type(), AwsFailures.message(e, scope)));
      }
    }
    return out;
  }

  private Prepared network(SandboxInfraRequest r, String sandbox, CommandScope scope,
      List<ActionResult> out) {
    Cidrs.Block cidr = cidr(r.network().actionParams() == null ? null
        : r.network().actionParams().cidr(), "prepareCloudInfra");
    if (cidr.prefix() < 16 || cidr.prefix() > 28) {
      throw new ClientException("prepareCloudInfra CIDR " + cidr + ": an EC2 VPC is /16 to /28");
    }
    notInUse(cidr, "prepareCloudInfra");
    scope.progress("preparing the sandbox network " + cidr);
    Vpc found = findVpc(sandbox);
    boolean fresh = found == null;
    Vpc vpc = fresh ? createVpc(sandbox, cidr) : found;
    if (!Cidrs.parse(vpc.cidrBlock()).equals(cidr)) {
      throw new ClientException("the sandbox already has VPC " + vpc.vpcId() + " with CIDR "
          + vpc.cidrBlock() + ", not " + cidr + "; run CleanupSandboxInfra first");
    }
    scope.checkCancelled("creating the internet gateway");
    String igw = internetGateway(sandbox, vpc.vpcId(), fresh);
    scope.checkCancelled("creating the route tables");
    String publicRt = routeTable(sandbox, vpc.vpcId(), Tags.ROLE_PUBLIC_RT, igw, fresh);
    String privateRt = routeTable(sandbox, vpc.vpcId(), Tags.ROLE_PRIVATE_RT, null, fresh);
    scope.checkCancelled("creating the sandbox security group");
    String sg = sandboxSecurityGroup(sandbox, vpc.vpcId(), fresh);
    out.add(new PrepareNetworkResult(r.network().actionId(), true,
        "VPC " + vpc.vpcId() + " (" + cidr + ") with internet gateway " + igw, "",
        vpc.vpcId(), sg));
    return new Prepared(vpc.vpcId(), cidr, publicRt, privateRt, fresh);
  }

  private static Cidrs.Block cidr(String text, String action) {
    try {
      return Cidrs.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ClientException(action + " CIDR: " + e.getMessage());
    }
  }

  /**
   * Refuses a CIDR that overlaps the provider's 'Networks in use': the standard's "reserved
   * network ranges to be excluded when allocating sandbox networks".
   */
  private void notInUse(Cidrs.Block cidr, String action) {
    for (Cidrs.Block reserved : s.settings().networksInUse()) {
      if (reserved.overlaps(cidr)) {
        throw new ClientException(action + " CIDR " + cidr + " overlaps " + reserved
            + " of attribute 'Networks in use' of cloud provider '"
            + s.settings().providerName() + "' (ranges reserved for other networks); choose a"
            + " CIDR outside it or change the attribute");
      }
    }
  }

  /** The sandbox's VPC, or null. */
  private Vpc findVpc(String sandbox) {
    List<Vpc> found = s.call("find the sandbox VPC", () -> s.ec2().describeVpcs(q -> q.filters(
        Tags.sandbox(sandbox), Tags.role(Tags.ROLE_VPC))).vpcs());
    return found.isEmpty() ? null : found.get(0);
  }

  private Vpc createVpc(String sandbox, Cidrs.Block cidr) {
    Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_VPC, "hangar " + sandbox, Map.of());
    return s.call("create the sandbox VPC " + cidr, () -> s.ec2().createVpc(q -> q
        .cidrBlock(cidr.toString())
        .tagSpecifications(Tags.spec(ResourceType.VPC, tags))).vpc());
  }

  private String internetGateway(String sandbox, String vpcId, boolean fresh) {
    // A gateway is made after its VPC and deleted before it: a new VPC has none.
    var found = fresh ? List.<software.amazon.awssdk.services.ec2.model.InternetGateway>of()
        : s.call("find the internet gateway", () -> s.ec2().describeInternetGateways(q ->
            q.filters(Tags.sandbox(sandbox), Tags.role(Tags.ROLE_IGW))).internetGateways());
    String id;
    boolean attached;
    if (found.isEmpty()) {
      Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_IGW, "hangar " + sandbox, Map.of());
      id = s.call("create the internet gateway", () -> s.ec2().createInternetGateway(q -> q
          .tagSpecifications(Tags.spec(ResourceType.INTERNET_GATEWAY, tags)))
          .internetGateway().internetGatewayId());
      attached = false;
    } else {
      id = found.get(0).internetGatewayId();
      attached = found.get(0).attachments().stream().anyMatch(a -> vpcId.equals(a.vpcId()));
    }
    if (!attached) {
      s.run("attach internet gateway " + id + " to " + vpcId, () -> s.ec2()
          .attachInternetGateway(q -> q.internetGatewayId(id).vpcId(vpcId)));
    }
    return id;
  }

  /** A route table of the VPC; with {@code igw}, its default route goes to the internet. */
  private String routeTable(String sandbox, String vpcId, String role, String igw,
      boolean fresh) {
    List<RouteTable> found = fresh ? List.of() : s.call("find the " + role + " route table",
        () -> s.ec2().describeRouteTables(q -> q.filters(Tags.sandbox(sandbox),
            Tags.role(role), Tags.filter("vpc-id", vpcId))).routeTables());
    RouteTable rt = found.isEmpty() ? null : found.get(0);
    if (rt == null) {
      Map<String, String> tags = s.tagged(sandbox, role, "hangar " + sandbox + " " + role,
          Map.of());
      rt = s.call("create the " + role + " route table", () -> s.ec2().createRouteTable(q -> q
          .vpcId(vpcId).tagSpecifications(Tags.spec(ResourceType.ROUTE_TABLE, tags)))
          .routeTable());
    }
    String id = rt.routeTableId();
    if (igw != null && rt.routes().stream().noneMatch(x -> ANYWHERE.equals(
        x.destinationCidrBlock()) && igw.equals(x.gatewayId()))) {
      try {
        s.ec2().createRoute(q -> q.routeTableId(id).destinationCidrBlock(ANYWHERE)
            .gatewayId(igw));
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        if (!"RouteAlreadyExists".equals(Ec2Errors.code(e))) {
          throw Ec2Errors.wrap("add the default route to " + id, e, s.settings());
        }
      }
    }
    return id;
  }

  /** The name of the sandbox's security group (unique in its VPC, as EC2 requires). */
  static String groupName(String sandbox) {
    return "hangar-sandbox-" + SandboxKeys.safe(sandbox);
  }

  /** The group every app of the sandbox is in; it lets the sandbox's members reach each other. */
  private String sandboxSecurityGroup(String sandbox, String vpcId, boolean fresh) {
    List<SecurityGroup> found = fresh ? List.of() : s.call("find the sandbox security group",
        () -> s.ec2().describeSecurityGroups(q -> q.filters(Tags.sandbox(sandbox),
            Tags.role(Tags.ROLE_SANDBOX_SG), Tags.filter("vpc-id", vpcId))).securityGroups());
    String id;
    boolean hasRule;
    if (found.isEmpty()) {
      Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_SANDBOX_SG, "hangar " + sandbox,
          Map.of());
      id = s.call("create the sandbox security group", () -> s.ec2().createSecurityGroup(q -> q
          .groupName(groupName(sandbox))
          .description("Hangar sandbox: traffic between the sandbox's apps")
          .vpcId(vpcId)
          .tagSpecifications(Tags.spec(ResourceType.SECURITY_GROUP, tags))).groupId());
      hasRule = false;
    } else {
      SecurityGroup g = found.get(0);
      id = g.groupId();
      hasRule = g.ipPermissions().stream().anyMatch(p -> p.userIdGroupPairs().stream()
          .anyMatch(u -> id.equals(u.groupId())));
    }
    if (!hasRule) {
      IpPermission self = IpPermission.builder().ipProtocol("-1")
          .userIdGroupPairs(UserIdGroupPair.builder().groupId(id).build()).build();
      try {
        s.ec2().authorizeSecurityGroupIngress(q -> q.groupId(id).ipPermissions(self));
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        if (!"InvalidPermission.Duplicate".equals(Ec2Errors.code(e))) {
          throw Ec2Errors.wrap("allow traffic inside security group " + id, e, s.settings());
        }
      }
    }
    return id;
  }

  private PrepareSubnetResult subnet(PrepareSubnet p, Prepared net, String sandbox) {
    PrepareSubnet.Params params = p.actionParams();
    if (params == null) {
      throw new ClientException("prepareSubnet has no actionParams");
    }
    Cidrs.Block cidr = cidr(params.cidr(), "prepareSubnet");
    notInUse(cidr, "prepareSubnet");
    if (!net.cidr().contains(cidr)) {
      throw new ClientException("subnet " + cidr + " is not inside the sandbox network "
          + net.cidr());
    }
    boolean isPublic = Boolean.TRUE.equals(params.isPublic());
    List<Subnet> found = net.fresh() ? List.of() : s.call("find subnet " + cidr, () -> s.ec2()
        .describeSubnets(q -> q.filters(Tags.filter("vpc-id", net.vpcId()),
            Tags.filter("cidr-block", cidr.toString()), Tags.sandbox(sandbox))).subnets());
    String id;
    String made;
    if (found.isEmpty()) {
      String alias = params.alias() == null || params.alias().isBlank() ? cidr.toString()
          : params.alias().strip();
      Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_SUBNET,
          truncate("hangar " + sandbox + " " + alias), Map.of());
      id = s.call("create subnet " + cidr, () -> s.ec2().createSubnet(q -> q.vpcId(net.vpcId())
          .cidrBlock(cidr.toString()).tagSpecifications(Tags.spec(ResourceType.SUBNET, tags)))
          .subnet().subnetId());
      made = "created";
    } else {
      id = found.get(0).subnetId();
      made = "found";
    }
    String rt = isPublic ? net.publicRt() : net.privateRt();
    if (made.equals("created")) {
      // A new subnet is on the VPC's main table only: no association to look for or move.
      s.run("put subnet " + id + " on route table " + rt, () -> s.ec2()
          .associateRouteTable(q -> q.routeTableId(rt).subnetId(id)));
    } else {
      associate(id, rt);
    }
    return new PrepareSubnetResult(p.actionId(), true, made + " " + (isPublic ? "public"
        : "private") + " subnet " + id + " (" + cidr + ")", "", id);
  }

  /** Puts the subnet on the route table, moving it off another one of ours if needed. */
  private void associate(String subnetId, String routeTableId) {
    List<RouteTable> current = s.call("read the routes of subnet " + subnetId, () -> s.ec2()
        .describeRouteTables(q -> q.filters(Tags.filter("association.subnet-id", subnetId)))
        .routeTables());
    for (RouteTable rt : current) {
      for (RouteTableAssociation a : rt.associations()) {
        if (!subnetId.equals(a.subnetId())) {
          continue;
        }
        if (routeTableId.equals(rt.routeTableId())) {
          return;
        }
        s.run("move subnet " + subnetId + " to route table " + routeTableId, () -> s.ec2()
            .replaceRouteTableAssociation(q -> q.associationId(a.routeTableAssociationId())
                .routeTableId(routeTableId)));
        return;
      }
    }
    s.run("put subnet " + subnetId + " on route table " + routeTableId, () -> s.ec2()
        .associateRouteTable(q -> q.routeTableId(routeTableId).subnetId(subnetId)));
  }

  private static String truncate(String v) {
    return v.length() > 255 ? v.substring(0, 255) : v;
  }
}
