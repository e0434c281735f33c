package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.Ec2Model.required;
import static dev.hangar.driver.aws.Ec2Model.ret;
import static dev.hangar.driver.aws.Ec2Xml.el;
import static dev.hangar.driver.aws.Ec2Xml.set;

import dev.hangar.driver.aws.Ec2Model.Ec2Error;
import dev.hangar.driver.aws.Ec2Model.Obj;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The peer's VPC, gateway, route table, security group, key pair and subnet actions. */
final class Ec2NetworkActions {
  private final Ec2Model m;

  Ec2NetworkActions(Ec2Model m) {
    this.m = m;
  }

  String handle(String action, QueryForm q) {
    return switch (action) {
      case "DescribeAvailabilityZones" -> set("availabilityZoneInfo", List.of("a", "b", "c")
          .stream().map(z -> el("zoneName", m.region() + z) + el("zoneState", "available")
              + el("regionName", m.region()) + el("zoneId", "euw1-az" + z.charAt(0))
              + el("zoneType", "availability-zone")).toList());
      case "CreateVpc" -> createVpc(q);
      case "DescribeVpcs" -> describe("vpcSet", m.select("vpc", q, "VpcId",
          "InvalidVpcID.NotFound", "vpc ID", o -> Map.of("vpc-id", List.of(o.id),
              "cidr-block", List.of(o.f.get("cidr")))));
      case "DeleteVpc" -> deleteVpc(q);
      case "CreateInternetGateway" -> "<internetGateway>" + Ec2Xml.item(m.create("igw", "igw",
          q.tags("internet-gateway")), m) + "</internetGateway>";
      case "DescribeInternetGateways" -> describe("internetGatewaySet", m.select("igw", q,
          "InternetGatewayId", "InvalidInternetGatewayID.NotFound", "internet gateway",
          o -> Map.of("attachment.vpc-id", o.f.get("vpc") == null ? List.of()
              : List.of(o.f.get("vpc")))));
      case "AttachInternetGateway" -> attachIgw(q);
      case "DetachInternetGateway" -> detachIgw(q);
      case "DeleteInternetGateway" -> {
        Obj g = igw(q);
        if (g.f.get("vpc") != null) {
          throw new Ec2Error(400, "DependencyViolation", "The internetGateway '" + g.id
              + "' has dependencies and cannot be deleted.");
        }
        g.deleted = true;
        yield ret();
      }
      case "CreateRouteTable" -> "<routeTable>" + Ec2Xml.item(routeTable(vpc(q, "VpcId").id,
          q.tags("route-table")), m) + "</routeTable>";
      case "DescribeRouteTables" -> describe("routeTableSet", m.select("rtb", q, "RouteTableId",
          "InvalidRouteTableID.NotFound", "routeTable ID", o -> Map.of("vpc-id",
              List.of(o.f.get("vpc")), "association.subnet-id", o.items.stream()
                  .filter(i -> i.get("subnet") != null).map(i -> i.get("subnet")).toList())));
      case "CreateRoute" -> createRoute(q);
      case "AssociateRouteTable" -> associate(q);
      case "ReplaceRouteTableAssociation" -> replaceAssociation(q);
      case "DeleteRouteTable" -> {
        Obj rt = m.get("rtb", required(q, "RouteTableId"), "InvalidRouteTableID.NotFound",
            "routeTable ID");
        if (rt.items.stream().anyMatch(i -> i.containsKey("assoc"))) {
          throw new Ec2Error(400, "DependencyViolation", "The routeTable '" + rt.id
              + "' has dependencies and cannot be deleted.");
        }
        rt.deleted = true;
        yield ret();
      }
      case "CreateSecurityGroup" -> createGroup(q);
      case "DescribeSecurityGroups" -> describe("securityGroupInfo", m.select("sg", q, "GroupId",
          "InvalidGroup.NotFound", "security group", o -> Map.of("vpc-id",
              List.of(o.f.get("vpc")), "group-name", List.of(o.f.get("name")))));
      case "AuthorizeSecurityGroupIngress" -> authorize(q);
      case "DeleteSecurityGroup" -> deleteGroup(q);
      case "CreateKeyPair" -> createKey(q);
      case "ImportKeyPair" -> importKey(q);
      case "DescribeKeyPairs" -> describe("keySet", m.select("key", q, "KeyPairId",
          "InvalidKeyPair.NotFound", "key pair", o -> Map.of("key-name",
              List.of(o.f.get("name")))));
      case "DeleteKeyPair" -> {
        // EC2 answers true for a key pair that is not there.
        m.all("key").stream().filter(k -> k.id.equals(q.get("KeyPairId"))
            || k.f.get("name").equals(q.get("KeyName"))).forEach(k -> k.deleted = true);
        yield ret();
      }
      case "CreateSubnet" -> createSubnet(q);
      case "DescribeSubnets" -> describe("subnetSet", m.select("subnet", q, "SubnetId",
          "InvalidSubnetID.NotFound", "subnet ID", o -> Map.of("vpc-id",
              List.of(o.f.get("vpc")), "cidr-block", List.of(o.f.get("cidr")))));
      case "DeleteSubnet" -> {
        Obj s = m.get("subnet", required(q, "SubnetId"), "InvalidSubnetID.NotFound",
            "subnet ID");
        if (m.all("eni").stream().anyMatch(e -> s.id.equals(e.f.get("subnet")))) {
          throw new Ec2Error(400, "DependencyViolation", "The subnet '" + s.id
              + "' has dependencies and cannot be deleted.");
        }
        s.deleted = true;
        m.all("rtb").forEach(rt -> rt.items.removeIf(i -> s.id.equals(i.get("subnet"))));
        yield ret();
      }
      default -> throw new Ec2Error(400, "InvalidAction", "The action " + action
          + " is not valid for this web service.");
    };
  }

  private String describe(String setName, List<Obj> found) {
    return set(setName, found.stream().map(o -> Ec2Xml.item(o, m)).toList());
  }

  private Obj vpc(QueryForm q, String param) {
    return m.get("vpc", required(q, param), "InvalidVpcID.NotFound", "vpc ID");
  }

  private Obj igw(QueryForm q) {
    return m.get("igw", required(q, "InternetGatewayId"), "InvalidInternetGatewayID.NotFound",
        "internet gateway");
  }

  private String createVpc(QueryForm q) {
    Cidrs.Block cidr = Cidrs.parse(required(q, "CidrBlock"));
    Obj v = m.create("vpc", "vpc", q.tags("vpc"));
    v.f.put("cidr", cidr.toString());
    Obj main = routeTable(v.id, Map.of());
    main.items.add(Map.of("assoc", "rtbassoc-" + main.id.substring(4)));
    main.f.put("main", "true");
    Obj dflt = m.create("sg", "sg", Map.of());
    dflt.f.putAll(Map.of("name", "default", "description", "default VPC security group",
        "vpc", v.id, "default", "true"));
    return "<vpc>" + Ec2Xml.item(v, m).replace("<state>available</state>",
        "<state>pending</state>") + "</vpc>";
  }

  private String deleteVpc(QueryForm q) {
    Obj v = vpc(q, "VpcId");
    boolean used = m.all("subnet").stream().anyMatch(s -> v.id.equals(s.f.get("vpc")))
        || m.all("igw").stream().anyMatch(g -> v.id.equals(g.f.get("vpc")))
        || m.all("sg").stream().anyMatch(g -> v.id.equals(g.f.get("vpc"))
            && g.f.get("default") == null)
        || m.all("rtb").stream().anyMatch(r -> v.id.equals(r.f.get("vpc"))
            && r.f.get("main") == null);
    if (used) {
      throw new Ec2Error(400, "DependencyViolation", "The vpc '" + v.id
          + "' has dependencies and cannot be deleted.");
    }
    v.deleted = true;
    m.all("rtb").stream().filter(r -> v.id.equals(r.f.get("vpc"))).forEach(r -> r.deleted = true);
    m.all("sg").stream().filter(g -> v.id.equals(g.f.get("vpc"))).forEach(g -> g.deleted = true);
    return ret();
  }

  private String attachIgw(QueryForm q) {
    Obj g = igw(q);
    Obj v = vpc(q, "VpcId");
    if (g.f.get("vpc") != null) {
      throw new Ec2Error(400, "Resource.AlreadyAssociated", "resource " + g.id
          + " is already attached to network " + g.f.get("vpc"));
    }
    g.f.put("vpc", v.id);
    return ret();
  }

  private String detachIgw(QueryForm q) {
    Obj g = igw(q);
    String vpc = required(q, "VpcId");
    if (!vpc.equals(g.f.get("vpc"))) {
      throw new Ec2Error(400, "Gateway.NotAttached", "resource " + g.id
          + " is not attached to network " + vpc);
    }
    g.f.remove("vpc");
    return ret();
  }

  private Obj routeTable(String vpcId, Map<String, String> tags) {
    Obj rt = m.create("rtb", "rtb", tags);
    rt.f.put("vpc", vpcId);
    rt.items.add(Map.of("dest", m.get("vpc", vpcId, "InvalidVpcID.NotFound", "vpc ID").f
        .get("cidr"), "gw", "local"));
    return rt;
  }

  private String createRoute(QueryForm q) {
    Obj rt = m.get("rtb", required(q, "RouteTableId"), "InvalidRouteTableID.NotFound",
        "routeTable ID");
    String dest = required(q, "DestinationCidrBlock");
    Obj g = m.get("igw", required(q, "GatewayId"), "InvalidInternetGatewayID.NotFound",
        "internet gateway");
    if (rt.items.stream().anyMatch(i -> dest.equals(i.get("dest")))) {
      throw new Ec2Error(400, "RouteAlreadyExists", "The route identified by " + dest
          + " already exists.");
    }
    rt.items.add(Map.of("dest", dest, "gw", g.id));
    return ret();
  }

  private String associate(QueryForm q) {
    Obj rt = m.get("rtb", required(q, "RouteTableId"), "InvalidRouteTableID.NotFound",
        "routeTable ID");
    Obj s = m.get("subnet", required(q, "SubnetId"), "InvalidSubnetID.NotFound", "subnet ID");
    if (m.all("rtb").stream().anyMatch(r -> r.items.stream()
        .anyMatch(i -> s.id.equals(i.get("subnet"))))) {
      throw new Ec2Error(400, "Resource.AlreadyAssociated", "the specified association for"
          + " route table " + rt.id + " conflicts with an existing association");
    }
    String id = "rtbassoc-" + Long.toHexString(ThreadLocalRandom.current().nextLong()
        & 0xfffffffffffffL);
    rt.items.add(Map.of("assoc", id, "subnet", s.id));
    return "  " + el("associationId", id) + "<associationState><state>associated</state>"
        + "</associationState>\n";
  }

  private String replaceAssociation(QueryForm q) {
    String assoc = required(q, "AssociationId");
    Obj to = m.get("rtb", required(q, "RouteTableId"), "InvalidRouteTableID.NotFound",
        "routeTable ID");
    for (Obj rt : m.all("rtb")) {
      for (Map<String, String> i : List.copyOf(rt.items)) {
        if (assoc.equals(i.get("assoc"))) {
          rt.items.remove(i);
          String id = assoc + "x";
          to.items.add(Map.of("assoc", id, "subnet", i.get("subnet")));
          return "  " + el("newAssociationId", id) + "\n";
        }
      }
    }
    throw new Ec2Error(400, "InvalidAssociationID.NotFound", "The association ID '" + assoc
        + "' does not exist");
  }

  private String createGroup(QueryForm q) {
    String name = required(q, "GroupName");
    Obj v = vpc(q, "VpcId");
    if (m.all("sg").stream().anyMatch(g -> name.equals(g.f.get("name"))
        && v.id.equals(g.f.get("vpc")))) {
      throw new Ec2Error(400, "InvalidGroup.Duplicate", "The security group '" + name
          + "' already exists for VPC '" + v.id + "'");
    }
    Obj g = m.create("sg", "sg", q.tags("security-group"));
    g.f.putAll(Map.of("name", name, "description", required(q, "GroupDescription"),
        "vpc", v.id));
    return ret() + "  " + el("groupId", g.id) + Ec2Xml.tagSet(g.tags) + "\n";
  }

  private String authorize(QueryForm q) {
    Obj g = m.get("sg", required(q, "GroupId"), "InvalidGroup.NotFound", "security group");
    List<Map<String, String>> adding = new java.util.ArrayList<>();
    for (QueryForm p : q.structs("IpPermissions")) {
      String proto = required(p, "IpProtocol");
      for (QueryForm r : p.structs("IpRanges")) {
        adding.add(rule(proto, p, "cidr", required(r, "CidrIp")));
      }
      for (QueryForm u : p.structs("Groups")) {
        m.get("sg", required(u, "GroupId"), "InvalidGroup.NotFound", "security group");
        adding.add(rule(proto, p, "group", u.get("GroupId")));
      }
    }
    if (adding.isEmpty()) {
      throw Ec2Model.missing("IpPermissions");
    }
    for (Map<String, String> r : adding) {
      if (g.items.contains(r)) {
        throw new Ec2Error(400, "InvalidPermission.Duplicate", "the specified rule \"peer: "
            + r + "\" already exists");
      }
    }
    g.items.addAll(adding);
    return ret();
  }

  private static Map<String, String> rule(String proto, QueryForm p, String kind, String value) {
    Map<String, String> r = new java.util.LinkedHashMap<>();
    r.put("proto", proto);
    if (p.get("FromPort") != null) {
      r.put("from", p.get("FromPort"));
      r.put("to", p.get("ToPort"));
    }
    r.put(kind, value);
    return r;
  }

  private String deleteGroup(QueryForm q) {
    Obj g = m.get("sg", required(q, "GroupId"), "InvalidGroup.NotFound", "security group");
    if (m.all("eni").stream().anyMatch(e -> m.groupsOf(e).contains(g))) {
      throw new Ec2Error(400, "DependencyViolation", "resource " + g.id
          + " has a dependent object");
    }
    g.deleted = true;
    return ret();
  }

  private String createKey(QueryForm q) {
    String name = required(q, "KeyName");
    if (m.all("key").stream().anyMatch(k -> name.equals(k.f.get("name")))) {
      throw new Ec2Error(400, "InvalidKeyPair.Duplicate", "The keypair already exists");
    }
    Obj k = m.create("key", "key", q.tags("key-pair"));
    byte[] random = new byte[96];
    ThreadLocalRandom.current().nextBytes(random);
    k.f.put("name", name);
    k.f.put("fingerprint", "1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f");
    String material = "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(random) + "\n-----END RSA PRIVATE KEY-----";
    return "  " + el("keyName", name) + el("keyFingerprint", k.f.get("fingerprint"))
        + el("keyMaterial", material) + el("keyPairId", k.id) + Ec2Xml.tagSet(k.tags) + "\n";
  }

  /** ImportKeyPair: a name EC2 already has is refused, as CreateKeyPair's. */
  private String importKey(QueryForm q) {
    String name = required(q, "KeyName");
    required(q, "PublicKeyMaterial");
    if (m.all("key").stream().anyMatch(k -> name.equals(k.f.get("name")))) {
      throw new Ec2Error(400, "InvalidKeyPair.Duplicate", "The keypair already exists");
    }
    Obj k = m.create("key", "key", q.tags("key-pair"));
    k.f.put("name", name);
    k.f.put("fingerprint", "5c:9b:0e:41:7a:22:d3:8f:61:4e:0b:97:1c:a8:35:e2");
    k.f.put("created", java.time.Instant.now().toString());
    return "  " + el("keyName", name) + el("keyFingerprint", k.f.get("fingerprint"))
        + el("keyPairId", k.id) + Ec2Xml.tagSet(k.tags) + "\n";
  }

  private String createSubnet(QueryForm q) {
    Obj v = vpc(q, "VpcId");
    Cidrs.Block cidr = Cidrs.parse(required(q, "CidrBlock"));
    if (!Cidrs.parse(v.f.get("cidr")).contains(cidr)) {
      throw new Ec2Error(400, "InvalidSubnet.Range", "The CIDR '" + cidr + "' is invalid.");
    }
    for (Obj other : m.all("subnet")) {
      if (v.id.equals(other.f.get("vpc")) && Cidrs.parse(other.f.get("cidr")).overlaps(cidr)) {
        throw new Ec2Error(400, "InvalidSubnet.Conflict", "The CIDR '" + cidr
            + "' conflicts with another subnet");
      }
    }
    Obj s = m.create("subnet", "subnet", q.tags("subnet"));
    s.f.put("vpc", v.id);
    s.f.put("cidr", cidr.toString());
    return "<subnet>" + Ec2Xml.item(s, m) + "</subnet>";
  }
}
