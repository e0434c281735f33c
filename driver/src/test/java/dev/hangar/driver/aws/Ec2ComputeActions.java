package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.Ec2Model.required;
import static dev.hangar.driver.aws.Ec2Model.ret;
import static dev.hangar.driver.aws.Ec2Xml.el;
import static dev.hangar.driver.aws.Ec2Xml.set;

import dev.hangar.driver.aws.Ec2Model.Ec2Error;
import dev.hangar.driver.aws.Ec2Model.Obj;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peer's instance, network interface and Elastic IP actions. An instance moves one state
 * per DescribeInstances that shows it (pending → running, stopping → stopped, shutting-down →
 * terminated), as a real one moves while a client polls; termination deletes its interfaces.
 */
final class Ec2ComputeActions {
  private static final Set<String> ACTIONS = Set.of("RunInstances", "DescribeInstances",
      "StartInstances", "StopInstances", "TerminateInstances", "AllocateAddress",
      "AssociateAddress", "DisassociateAddress", "ReleaseAddress", "DescribeAddresses",
      "DescribeNetworkInterfaces", "DeleteNetworkInterface", "ModifyNetworkInterfaceAttribute",
      "DescribeSnapshots");
  private final Ec2Model m;
  private int publicIps = 10;

  Ec2ComputeActions(Ec2Model m) {
    this.m = m;
  }

  boolean handles(String action) {
    return ACTIONS.contains(action);
  }

  String handle(String action, QueryForm q) {
    return switch (action) {
      case "RunInstances" -> run(q);
      case "DescribeInstances" -> describeInstances(q);
      case "StartInstances" -> change(q, Map.of("stopped", "pending", "running", "running",
          "pending", "pending"));
      case "StopInstances" -> change(q, Map.of("running", "stopping", "stopping", "stopping",
          "stopped", "stopped"));
      case "TerminateInstances" -> change(q, Map.of("pending", "shutting-down", "running",
          "shutting-down", "stopping", "shutting-down", "stopped", "shutting-down",
          "shutting-down", "shutting-down", "terminated", "terminated"));
      case "AllocateAddress" -> {
        Obj a = m.create("eip", "eipalloc", q.tags("elastic-ip"));
        a.f.put("ip", "198.51.100." + (publicIps++));
        yield "  " + el("publicIp", a.f.get("ip")) + el("domain", "vpc")
            + el("allocationId", a.id) + el("networkBorderGroup", m.region()) + "\n";
      }
      case "AssociateAddress" -> associate(q);
      case "DisassociateAddress" -> {
        String assoc = required(q, "AssociationId");
        Obj a = m.all("eip").stream().filter(x -> assoc.equals(x.f.get("assoc"))).findFirst()
            .orElseThrow(() -> new Ec2Error(400, "InvalidAssociationID.NotFound",
                "The association ID '" + assoc + "' does not exist"));
        Obj eni = m.get("eni", a.f.get("eni"), "InvalidNetworkInterfaceID.NotFound", "eni");
        eni.f.remove("publicIp");
        eni.f.remove("eip");
        a.f.keySet().removeAll(List.of("assoc", "eni", "instance", "privateIp"));
        yield ret();
      }
      case "ReleaseAddress" -> {
        Obj a = m.get("eip", required(q, "AllocationId"), "InvalidAllocationID.NotFound",
            "allocation ID");
        if (a.f.get("assoc") != null) {
          throw new Ec2Error(400, "InvalidIPAddress.InUse", "Address " + a.f.get("ip")
              + " is in use.");
        }
        a.deleted = true;
        yield ret();
      }
      case "DescribeAddresses" -> set("addressesSet", m.select("eip", q, "AllocationId",
          "InvalidAllocationID.NotFound", "allocation ID", o -> Map.of()).stream()
          .map(o -> Ec2Xml.item(o, m)).toList());
      // This peer makes no EBS snapshots (the snapshot commands are tested on moto).
      case "DescribeSnapshots" -> set("snapshotSet", List.of());
      case "DescribeNetworkInterfaces" -> set("networkInterfaceSet", m.select("eni", q,
          "NetworkInterfaceId", "InvalidNetworkInterfaceID.NotFound", "network interface",
          o -> Map.of("status", List.of(o.f.get("instance") == null ? "available" : "in-use"),
              "subnet-id", List.of(o.f.get("subnet")))).stream()
          .map(o -> Ec2Xml.item(o, m)).toList());
      case "DeleteNetworkInterface" -> {
        Obj e = m.get("eni", required(q, "NetworkInterfaceId"),
            "InvalidNetworkInterfaceID.NotFound", "network interface");
        if (e.f.get("instance") != null) {
          throw new Ec2Error(400, "InvalidNetworkInterface.InUse", "Interface " + e.id
              + " is currently in use.");
        }
        e.deleted = true;
        yield ret();
      }
      case "ModifyNetworkInterfaceAttribute" -> {
        Obj e = m.get("eni", required(q, "NetworkInterfaceId"),
            "InvalidNetworkInterfaceID.NotFound", "network interface");
        List<String> groups = q.list("SecurityGroupId");
        for (String g : groups) {
          m.get("sg", g, "InvalidGroup.NotFound", "security group");
        }
        e.f.put("groups", String.join(",", groups));
        yield ret();
      }
      default -> throw new IllegalStateException(action);
    };
  }

  private String run(QueryForm q) {
    String token = q.get("ClientToken");
    if (token != null) {
      for (Obj i : m.snapshotAll("instance")) {
        if (token.equals(i.f.get("token"))) {
          return reservation(List.of(i), "instancesSet");
        }
      }
    }
    String ami = required(q, "ImageId");
    if (!ami.matches("ami-[0-9a-f]{8,17}")) {
      throw new Ec2Error(400, "InvalidAMIID.Malformed", "Invalid id: \"" + ami + "\"");
    }
    List<QueryForm> nics = q.structs("NetworkInterface");
    if (nics.isEmpty()) {
      throw Ec2Model.missing("NetworkInterface");
    }
    if (nics.size() > 1 && nics.stream().anyMatch(n -> "true".equals(
        n.get("AssociatePublicIpAddress")))) {
      throw new Ec2Error(400, "InvalidParameterCombination", "The associatePublicIPAddress"
          + " parameter cannot be specified when launching with multiple network interfaces.");
    }
    if (q.get("KeyName") != null && m.all("key").stream().noneMatch(k -> q.get("KeyName")
        .equals(k.f.get("name")))) {
      throw new Ec2Error(400, "InvalidKeyPair.NotFound", "The key pair '" + q.get("KeyName")
          + "' does not exist");
    }
    List<Obj> subnets = new ArrayList<>();
    for (QueryForm n : nics) {
      subnets.add(m.get("subnet", required(n, "SubnetId"), "InvalidSubnetID.NotFound",
          "subnet ID"));
      for (String g : n.list("SecurityGroupId")) {
        m.get("sg", g, "InvalidGroup.NotFound", "security group");
      }
    }
    Obj i = m.create("instance", "i", q.tags("instance"));
    i.f.putAll(Map.of("ami", ami, "type", q.get("InstanceType", "m1.small"), "state", "pending",
        "subnet", subnets.get(0).id, "vpc", subnets.get(0).f.get("vpc")));
    if (token != null) {
      i.f.put("token", token);
    }
    if (q.get("KeyName") != null) {
      i.f.put("key", q.get("KeyName"));
    }
    for (int n = 0; n < nics.size(); n++) {
      QueryForm spec = nics.get(n);
      Obj s = subnets.get(n);
      Obj e = m.create("eni", "eni", q.tags("network-interface"));
      String ip = spec.get("PrivateIpAddress") != null ? spec.get("PrivateIpAddress") : nextIp(s);
      if (m.all("eni").stream().anyMatch(x -> x != e && ip.equals(x.f.get("ip")))) {
        e.deleted = true;
        i.deleted = true;
        throw new Ec2Error(400, "InvalidIPAddress.InUse", "Address " + ip + " is in use.");
      }
      e.f.putAll(Map.of("subnet", s.id, "vpc", s.f.get("vpc"), "instance", i.id, "device",
          spec.get("DeviceIndex", String.valueOf(n)), "ip", ip, "groups",
          String.join(",", spec.list("SecurityGroupId")),
          "mac", String.format("0a:1b:2c:%02x:%02x:%02x", (e.id.hashCode() >> 16) & 255,
              (e.id.hashCode() >> 8) & 255, e.id.hashCode() & 255)));
      if ("true".equals(spec.get("AssociatePublicIpAddress"))) {
        e.f.put("publicIp", "203.0.113." + (publicIps++));
      }
    }
    return reservation(List.of(i), "instancesSet");
  }

  private String nextIp(Obj subnet) {
    Cidrs.Block b = Cidrs.parse(subnet.f.get("cidr"));
    for (long host = 4; host < b.size() - 1; host++) {
      long ip = b.network() + host;
      String text = ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "."
          + (ip & 255);
      if (m.all("eni").stream().noneMatch(e -> text.equals(e.f.get("ip")))) {
        return text;
      }
    }
    throw new Ec2Error(400, "InsufficientFreeAddressesInSubnet", "The specified subnet "
        + subnet.id + " does not have enough free addresses");
  }

  private String reservation(List<Obj> instances, String setName) {
    return "  " + el("reservationId", "r-" + instances.get(0).id.substring(2))
        + el("ownerId", Ec2Model.OWNER) + set("groupSet", List.of())
        + set(setName, instances.stream().map(i -> Ec2Xml.instance(i, m)).toList()) + "\n";
  }

  private String describeInstances(QueryForm q) {
    List<Obj> found = m.select("instance", q, "InstanceId", "InvalidInstanceID.NotFound",
        "instance ID", o -> Map.of("instance-id", List.of(o.id),
            "instance-state-name", List.of(o.f.get("state")),
            "key-name", o.f.get("key") == null ? List.of() : List.of(o.f.get("key")),
            "subnet-id", List.of(o.f.get("subnet")), "vpc-id", List.of(o.f.get("vpc"))));
    List<String> reservations = new ArrayList<>();
    for (Obj i : found) {
      String xml = Ec2Xml.instance(i, m);
      advance(i);
      reservations.add(el("reservationId", "r-" + i.id.substring(2))
          + el("ownerId", Ec2Model.OWNER) + set("groupSet", List.of())
          + set("instancesSet", List.of(xml)));
    }
    return set("reservationSet", reservations);
  }

  /** The next state a polling client would see. */
  private void advance(Obj i) {
    switch (i.f.get("state")) {
      case "pending" -> i.f.put("state", "running");
      case "stopping" -> i.f.put("state", "stopped");
      case "shutting-down" -> {
        i.f.put("state", "terminated");
        i.deleted = true;
        for (Obj e : m.enisOf(i)) {
          m.all("eip").stream().filter(a -> e.id.equals(a.f.get("eni"))).forEach(a ->
              a.f.keySet().removeAll(List.of("assoc", "eni", "instance", "privateIp")));
          e.deleted = true;
        }
      }
      default -> { }
    }
  }

  private String change(QueryForm q, Map<String, String> next) {
    List<String> ids = q.list("InstanceId");
    List<Obj> targets = new ArrayList<>();
    for (String id : ids) {
      Obj i = m.snapshotAll("instance").stream().filter(x -> x.id.equals(id)).findFirst()
          .orElseThrow(() -> new Ec2Error(400, "InvalidInstanceID.NotFound",
              "The instance ID '" + id + "' does not exist"));
      if (!next.containsKey(i.f.get("state"))) {
        throw new Ec2Error(400, "IncorrectInstanceState", "The instance '" + id
            + "' is not in a state from which it can be changed.");
      }
      targets.add(i);
    }
    List<String> items = new ArrayList<>();
    for (Obj i : targets) {
      String before = i.f.get("state");
      i.f.put("state", next.get(before));
      items.add(el("instanceId", i.id) + "<currentState>" + el("code", Ec2Model.stateCode(
          i.f.get("state"))) + el("name", i.f.get("state")) + "</currentState><previousState>"
          + el("code", Ec2Model.stateCode(before)) + el("name", before) + "</previousState>");
    }
    return set("instancesSet", items);
  }

  private String associate(QueryForm q) {
    Obj a = m.get("eip", required(q, "AllocationId"), "InvalidAllocationID.NotFound",
        "allocation ID");
    Obj e = m.get("eni", required(q, "NetworkInterfaceId"),
        "InvalidNetworkInterfaceID.NotFound", "network interface");
    String assoc = "eipassoc-" + a.id.substring(9);
    a.f.putAll(Map.of("assoc", assoc, "eni", e.id, "instance", e.f.getOrDefault("instance", ""),
        "privateIp", e.f.get("ip")));
    e.f.put("publicIp", a.f.get("ip"));
    e.f.put("eip", a.id);
    return ret() + "  " + el("associationId", assoc) + "\n";
  }
}
