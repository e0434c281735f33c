package dev.hangar.driver.aws;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * EC2 API 2016-11-15 response documents, written as EC2 writes them: a root element named after
 * the action with EC2's namespace and a requestId, lists as {@code <xxxSet><item>}, errors as
 * {@code <Response><Errors><Error>}.
 */
final class Ec2Xml {
  static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private Ec2Xml() {}

  static String response(String action, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS
        + "\">\n  <requestId>" + UUID.randomUUID() + "</requestId>\n" + body + "</" + action
        + "Response>\n";
  }

  static String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
        + esc(code) + "</Code><Message>" + esc(message) + "</Message></Error></Errors>"
        + "<RequestID>" + UUID.randomUUID() + "</RequestID></Response>\n";
  }

  static String el(String name, Object value) {
    return value == null ? "" : "<" + name + ">" + esc(String.valueOf(value)) + "</" + name + ">";
  }

  static String set(String name, List<String> items) {
    StringBuilder b = new StringBuilder("<" + name + ">");
    items.forEach(i -> b.append("<item>").append(i).append("</item>"));
    return b.append("</").append(name).append(">").toString();
  }

  static String tagSet(Map<String, String> tags) {
    return set("tagSet", tags.entrySet().stream()
        .map(e -> el("key", e.getKey()) + el("value", e.getValue())).toList());
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** An object of the model as its Describe* item. */
  static String item(Ec2Model.Obj o, Ec2Model m) {
    Map<String, String> f = o.f;
    return switch (o.kind) {
      case "vpc" -> el("vpcId", o.id) + el("ownerId", Ec2Model.OWNER) + el("state", "available")
          + el("cidrBlock", f.get("cidr")) + el("dhcpOptionsId", "dopt-0a1b2c3d")
          + el("instanceTenancy", "default") + el("isDefault", "false") + tagSet(o.tags);
      case "igw" -> el("internetGatewayId", o.id) + el("ownerId", Ec2Model.OWNER)
          + set("attachmentSet", f.get("vpc") == null ? List.of()
              : List.of(el("vpcId", f.get("vpc")) + el("state", "available")))
          + tagSet(o.tags);
      case "rtb" -> el("routeTableId", o.id) + el("vpcId", f.get("vpc"))
          + el("ownerId", Ec2Model.OWNER)
          + set("routeSet", o.items.stream().filter(i -> i.containsKey("dest")).map(i ->
              el("destinationCidrBlock", i.get("dest")) + el("gatewayId", i.get("gw"))
                  + el("state", "active") + el("origin", i.get("gw").equals("local")
                      ? "CreateRouteTable" : "CreateRoute")).toList())
          + set("associationSet", o.items.stream().filter(i -> i.containsKey("assoc")).map(i ->
              el("routeTableAssociationId", i.get("assoc")) + el("routeTableId", o.id)
                  + el("subnetId", i.get("subnet")) + el("main", i.get("subnet") == null)
                  + "<associationState><state>associated</state></associationState>").toList())
          + tagSet(o.tags);
      case "sg" -> el("ownerId", Ec2Model.OWNER) + el("groupId", o.id)
          + el("groupName", f.get("name")) + el("groupDescription", f.get("description"))
          + el("vpcId", f.get("vpc"))
          + set("ipPermissions", o.items.stream().map(Ec2Xml::permission).toList())
          + set("ipPermissionsEgress", List.of(el("ipProtocol", "-1")
              + set("groups", List.of()) + set("ipRanges", List.of(el("cidrIp", "0.0.0.0/0")))))
          + tagSet(o.tags);
      case "key" -> el("keyPairId", o.id) + el("keyName", f.get("name"))
          + el("keyFingerprint", f.get("fingerprint")) + el("keyType", "rsa")
          + el("createTime", f.get("created")) + tagSet(o.tags);
      case "subnet" -> el("subnetId", o.id) + el("subnetArn", "arn:aws:ec2:" + m.region()
          + ":" + Ec2Model.OWNER + ":subnet/" + o.id) + el("state", "available")
          + el("ownerId", Ec2Model.OWNER) + el("vpcId", f.get("vpc"))
          + el("cidrBlock", f.get("cidr")) + el("availableIpAddressCount", 11)
          + el("availabilityZone", m.region() + "a") + el("defaultForAz", "false")
          + el("mapPublicIpOnLaunch", "false") + tagSet(o.tags);
      case "eni" -> eni(o, m, false);
      case "eip" -> el("publicIp", f.get("ip")) + el("allocationId", o.id)
          + el("domain", "vpc") + el("associationId", f.get("assoc"))
          + el("instanceId", f.get("instance")) + el("networkInterfaceId", f.get("eni"))
          + el("privateIpAddress", f.get("privateIp")) + tagSet(o.tags);
      case "instance" -> instance(o, m);
      default -> throw new IllegalArgumentException(o.kind);
    };
  }

  private static String permission(Map<String, String> p) {
    return el("ipProtocol", p.get("proto")) + el("fromPort", p.get("from"))
        + el("toPort", p.get("to"))
        + set("groups", p.get("group") == null ? List.of()
            : List.of(el("userId", Ec2Model.OWNER) + el("groupId", p.get("group"))))
        + set("ipRanges", p.get("cidr") == null ? List.of() : List.of(el("cidrIp", p.get("cidr"))));
  }

  static String eni(Ec2Model.Obj e, Ec2Model m, boolean inInstance) {
    Map<String, String> f = e.f;
    String groups = set("groupSet", m.groupsOf(e).stream().map(g -> el("groupId", g.id)
        + el("groupName", g.f.get("name"))).toList());
    String publicIp = f.get("publicIp");
    String association = publicIp == null ? "" : "<association>" + el("publicIp", publicIp)
        + el("publicDnsName", "") + el("ipOwnerId", f.get("eip") != null ? Ec2Model.OWNER
            : "amazon") + (inInstance ? "" : el("allocationId", f.get("eip")))
        + "</association>";
    String attachment = f.get("instance") == null ? "" : "<attachment>"
        + el("attachmentId", "eni-attach-" + e.id.substring(4))
        + (inInstance ? "" : el("instanceId", f.get("instance")))
        + el("deviceIndex", f.get("device")) + el("status", "attached")
        + el("attachTime", "2025-01-01T00:00:00.000Z") + el("deleteOnTermination", "true")
        + "</attachment>";
    return el("networkInterfaceId", e.id) + el("subnetId", f.get("subnet"))
        + el("vpcId", f.get("vpc")) + el("description", "")
        + el("ownerId", Ec2Model.OWNER) + el("status", f.get("instance") == null ? "available"
            : "in-use") + el("macAddress", f.get("mac"))
        + el("privateIpAddress", f.get("ip")) + el("sourceDestCheck", "true") + groups
        + attachment + association
        + set("privateIpAddressesSet", List.of(el("privateIpAddress", f.get("ip"))
            + el("primary", "true") + association))
        + el("interfaceType", "interface") + (inInstance ? "" : tagSet(e.tags));
  }

  static String instance(Ec2Model.Obj i, Ec2Model m) {
    Map<String, String> f = i.f;
    String state = f.get("state");
    List<Ec2Model.Obj> enis = m.enisOf(i);
    Ec2Model.Obj primary = enis.isEmpty() ? null : enis.get(0);
    boolean gone = state.equals("terminated");
    return el("instanceId", i.id) + el("imageId", f.get("ami"))
        + "<instanceState>" + el("code", Ec2Model.stateCode(state)) + el("name", state)
        + "</instanceState>"
        + el("privateDnsName", gone || primary == null ? "" : "ip-"
            + primary.f.get("ip").replace('.', '-') + "." + m.region() + ".compute.internal")
        + el("dnsName", "") + el("keyName", f.get("key")) + el("amiLaunchIndex", 0)
        + el("instanceType", f.get("type")) + el("launchTime", "2025-01-01T00:00:00.000Z")
        + "<placement>" + el("availabilityZone", m.region() + "a") + el("tenancy", "default")
        + "</placement>" + "<monitoring><state>disabled</state></monitoring>"
        + (gone ? "" : el("subnetId", f.get("subnet")) + el("vpcId", f.get("vpc")))
        + (gone || primary == null ? "" : el("privateIpAddress", primary.f.get("ip"))
            + el("ipAddress", primary.f.get("publicIp")))
        + el("sourceDestCheck", "true")
        + set("groupSet", primary == null ? List.of() : m.groupsOf(primary).stream()
            .map(g -> el("groupId", g.id) + el("groupName", g.f.get("name"))).toList())
        + (gone ? "<stateReason><code>Client.UserInitiatedShutdown</code><message>"
            + "Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>" : "")
        + el("architecture", "x86_64") + el("rootDeviceType", "ebs")
        + el("rootDeviceName", "/dev/xvda") + el("virtualizationType", "hvm")
        + el("clientToken", f.get("token")) + tagSet(i.tags)
        + el("hypervisor", "xen")
        + set("networkInterfaceSet", enis.stream().map(e -> eni(e, m, true)).toList())
        + el("platformDetails", "Linux/UNIX") + el("usageOperation", "RunInstances");
  }
}
