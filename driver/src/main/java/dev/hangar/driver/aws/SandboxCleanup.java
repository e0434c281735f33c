package dev.hangar.driver.aws;

import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * CleanupSandboxInfra: finds every object with the sandbox's tag — instances left behind
 * included — and deletes them in dependency order (instances, Elastic IPs, loose network
 * interfaces, key pair and deploy claims, security groups, subnets, route tables — taken off
 * their subnets first —, internet gateway, VPC).
 * "Already gone" is success, so a second run succeeds; DependencyViolation (EC2 releasing a
 * terminated instance's interfaces) is retried until the cleanup bound.
 */
final class SandboxCleanup {
  private final Ec2Session s;

  SandboxCleanup(Ec2Session s) {
    this.s = s;
  }

  CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
    String sandbox = scope.reservationId();
    if (sandbox.isEmpty()) {
      return new CleanupNetworkResult(action.actionId(), false, "",
          "CleanupSandboxInfra needs the reservation id of the sandbox");
    }
    Map<String, Integer> deleted = new LinkedHashMap<>();
    try {
      run(sandbox, scope, deleted);
    } catch (RuntimeException e) {
      return new CleanupNetworkResult(action.actionId(), false, "", AwsFailures.message(e, scope)
          + (deleted.isEmpty() ? "" : " (deleted before that: " + summary(deleted) + ")"));
    }
    return new CleanupNetworkResult(action.actionId(), true,
        deleted.isEmpty() ? "nothing left to clean up" : "deleted " + summary(deleted), "");
  }

  private void run(String sandbox, CommandScope scope, Map<String, Integer> deleted) {
    long deadline = s.deadline(s.timeouts().cleanup());
    var tag = Tags.sandbox(sandbox);
    Instances instances = new Instances(s);
    List<String> ids = instances.find("find the sandbox's instances", tag).stream()
        .map(Instance::instanceId).toList();
    if (!ids.isEmpty()) {
      scope.progress("terminating " + ids.size() + " instance(s) left in the sandbox");
      instances.terminateAndWait(ids, scope);
      deleted.merge("instances", ids.size(), Integer::sum);
    }
    for (Address a : s.call("find the sandbox's Elastic IPs", () -> s.ec2()
        .describeAddresses(q -> q.filters(tag)).addresses())) {
      if (a.associationId() != null) {
        s.delete("detach Elastic IP " + a.publicIp(), () -> s.ec2().disassociateAddress(q -> q
            .associationId(a.associationId())));
      }
      count(deleted, "Elastic IPs", s.deleteWhenFree("release Elastic IP " + a.publicIp(),
          () -> s.ec2().releaseAddress(q -> q.allocationId(a.allocationId())), deadline, scope));
    }
    // remote_save_snapshot's EBS snapshots outlive their instance: they go with the sandbox.
    for (var snap : s.call("find the sandbox's snapshots", () -> s.ec2().describeSnapshots(q -> q
        .ownerIds("self").filters(tag, Tags.tag(Tags.ROLE, Tags.ROLE_SNAPSHOT))).snapshots())) {
      scope.checkCancelled("deleting snapshot " + snap.snapshotId());
      count(deleted, "snapshots", s.delete("delete snapshot " + snap.snapshotId(),
          () -> s.ec2().deleteSnapshot(q -> q.snapshotId(snap.snapshotId()))));
    }
    for (NetworkInterface n : s.call("find the sandbox's network interfaces", () -> s.ec2()
        .describeNetworkInterfaces(q -> q.filters(tag, Tags.filter("status", "available")))
        .networkInterfaces())) {
      count(deleted, "network interfaces", s.deleteWhenFree("delete network interface "
          + n.networkInterfaceId(), () -> s.ec2().deleteNetworkInterface(q -> q
              .networkInterfaceId(n.networkInterfaceId())), deadline, scope));
    }
    count(deleted, "key pairs", new SandboxKeys(s).delete(sandbox));
    // Claims left by hosts that died in a Deploy (a live Deploy releases its own).
    for (KeyPairInfo claim : new Ec2DeployClaims(s).list(sandbox)) {
      count(deleted, "deploy claims", s.delete("delete deploy claim " + claim.keyName(),
          () -> s.ec2().deleteKeyPair(q -> q.keyName(claim.keyName()))));
    }
    List<SecurityGroup> groups = new ArrayList<>(s.call("find the sandbox's security groups",
        () -> s.ec2().describeSecurityGroups(q -> q.filters(tag)).securityGroups()));
    // The apps' own groups first: nothing refers to them, while they may sit beside the
    // sandbox group on an interface that is still being released.
    groups.sort((a, b) -> Boolean.compare(Tags.ROLE_SANDBOX_SG.equals(
        Tags.value(a.tags(), Tags.ROLE)), Tags.ROLE_SANDBOX_SG.equals(
        Tags.value(b.tags(), Tags.ROLE))));
    for (SecurityGroup g : groups) {
      scope.checkCancelled("deleting security group " + g.groupId());
      count(deleted, "security groups", s.deleteWhenFree("delete security group "
          + g.groupId(), () -> s.ec2().deleteSecurityGroup(q -> q.groupId(g.groupId())),
          deadline, scope));
    }
    for (var sub : s.call("find the sandbox's subnets", () -> s.ec2().describeSubnets(q -> q
        .filters(tag)).subnets())) {
      count(deleted, "subnets", s.deleteWhenFree("delete subnet " + sub.subnetId(), () -> s
          .ec2().deleteSubnet(q -> q.subnetId(sub.subnetId())), deadline, scope));
    }
    for (var rt : s.call("find the sandbox's route tables", () -> s.ec2().describeRouteTables(
        q -> q.filters(tag)).routeTables())) {
      // EC2 drops a deleted subnet's association, EC2-compatible clouds (moto) may keep it and
      // refuse the delete (DependencyViolation): take the associations off first.
      for (var a : rt.associations()) {
        if (!Boolean.TRUE.equals(a.main()) && a.routeTableAssociationId() != null) {
          s.delete("take route table " + rt.routeTableId() + " off subnet " + a.subnetId(),
              () -> s.ec2().disassociateRouteTable(q -> q.associationId(
                  a.routeTableAssociationId())));
        }
      }
      count(deleted, "route tables", s.deleteWhenFree("delete route table "
          + rt.routeTableId(), () -> s.ec2().deleteRouteTable(q -> q.routeTableId(
              rt.routeTableId())), deadline, scope));
    }
    for (InternetGateway g : s.call("find the sandbox's internet gateways", () -> s.ec2()
        .describeInternetGateways(q -> q.filters(tag)).internetGateways())) {
      for (var a : g.attachments()) {
        detach(g.internetGatewayId(), a.vpcId());
      }
      count(deleted, "internet gateways", s.deleteWhenFree("delete internet gateway "
          + g.internetGatewayId(), () -> s.ec2().deleteInternetGateway(q -> q
              .internetGatewayId(g.internetGatewayId())), deadline, scope));
    }
    for (var v : s.call("find the sandbox's VPCs", () -> s.ec2().describeVpcs(q -> q
        .filters(tag)).vpcs())) {
      count(deleted, "VPCs", s.deleteWhenFree("delete VPC " + v.vpcId(), () -> s.ec2()
          .deleteVpc(q -> q.vpcId(v.vpcId())), deadline, scope));
    }
  }

  private void detach(String igw, String vpc) {
    try {
      s.ec2().detachInternetGateway(q -> q.internetGatewayId(igw).vpcId(vpc));
    } catch (SdkException e) {
      if (!Ec2Errors.notFound(e) && !"Gateway.NotAttached".equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("detach internet gateway " + igw + " from " + vpc, e, s.settings());
      }
    }
  }

  private static void count(Map<String, Integer> deleted, String kind, boolean wasThere) {
    if (wasThere) {
      deleted.merge(kind, 1, Integer::sum);
    }
  }

  private static String summary(Map<String, Integer> deleted) {
    List<String> parts = new ArrayList<>();
    deleted.forEach((k, n) -> parts.add(n + " " + k));
    return String.join(", ", parts);
  }
}
