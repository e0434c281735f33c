package dev.hangar.driver.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The same sandbox as {@link AwsCallBudget}'s lifecycle with the fewest EC2 calls a program that
 * keeps every id in memory can make: no lookups, no tags beyond those set at creation, one
 * Describe per wait (enough on moto, where a state is reached at once), GetVmDetails as one
 * Describe of all instances. It is the budget's baseline, not a driver: it keeps state in memory
 * and could not survive a crash or a retry.
 */
final class BareEc2Loop {
  static final String AMI = "ami-760aaa0f";
  private final Ec2Client ec2;

  BareEc2Loop(String endpoint) {
    ec2 = Ec2Client.builder().region(Region.of(Ec2Peer.REGION))
        .endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            "AKIABARELOOP00000001", "bare-loop"))).build();
  }

  void run(int apps) {
    // Prepare: VPC, gateway, two route tables, default route, group, key pair, two subnets.
    String vpc = ec2.createVpc(q -> q.cidrBlock("10.0.0.0/24")).vpc().vpcId();
    String igw = ec2.createInternetGateway(q -> { }).internetGateway().internetGatewayId();
    ec2.attachInternetGateway(q -> q.internetGatewayId(igw).vpcId(vpc));
    String publicRt = ec2.createRouteTable(q -> q.vpcId(vpc)).routeTable().routeTableId();
    String privateRt = ec2.createRouteTable(q -> q.vpcId(vpc)).routeTable().routeTableId();
    ec2.createRoute(q -> q.routeTableId(publicRt).destinationCidrBlock("0.0.0.0/0")
        .gatewayId(igw));
    String sg = ec2.createSecurityGroup(q -> q.groupName("bare").description("bare")
        .vpcId(vpc)).groupId();
    ec2.authorizeSecurityGroupIngress(q -> q.groupId(sg).ipPermissions(IpPermission.builder()
        .ipProtocol("-1").userIdGroupPairs(UserIdGroupPair.builder().groupId(sg).build())
        .build()));
    ec2.createKeyPair(q -> q.keyName("bare"));
    String pub = ec2.createSubnet(q -> q.vpcId(vpc).cidrBlock("10.0.0.0/28")).subnet()
        .subnetId();
    String priv = ec2.createSubnet(q -> q.vpcId(vpc).cidrBlock("10.0.0.16/28")).subnet()
        .subnetId();
    String pubAssoc = ec2.associateRouteTable(q -> q.routeTableId(publicRt).subnetId(pub))
        .associationId();
    String privAssoc = ec2.associateRouteTable(q -> q.routeTableId(privateRt).subnetId(priv))
        .associationId();

    // Deploy: one launch and one wait each.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < apps; i++) {
      String id = ec2.runInstances(q -> q.imageId(AMI).instanceType("t3.micro").minCount(1)
          .maxCount(1).keyName("bare").networkInterfaces(n -> n.deviceIndex(0).subnetId(pub)
              .groups(sg).deleteOnTermination(true))).instances().get(0).instanceId();
      await(id, InstanceStateName.RUNNING);
      ids.add(id);
    }
    for (String id : ids) {
      ec2.stopInstances(q -> q.instanceIds(id));
      await(id, InstanceStateName.STOPPED);
      ec2.startInstances(q -> q.instanceIds(id));
      await(id, InstanceStateName.RUNNING);
    }
    ec2.describeInstances(q -> q.instanceIds(ids));
    List<String> enis = new ArrayList<>();
    for (String id : ids) {
      enis.add(describe(id).networkInterfaces().get(0).networkInterfaceId());
    }
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < apps; i++) {
      int n = i;
      String g = ec2.createSecurityGroup(q -> q.groupName("bare-" + n).description("app")
          .vpcId(vpc)).groupId();
      ec2.authorizeSecurityGroupIngress(q -> q.groupId(g).ipPermissions(IpPermission.builder()
          .ipProtocol("tcp").fromPort(22).toPort(22)
          .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build()));
      ec2.modifyNetworkInterfaceAttribute(q -> q.networkInterfaceId(enis.get(n)).groups(sg, g));
      groups.add(g);
    }
    for (int i = 0; i < apps; i++) {
      String id = ids.get(i);
      ec2.terminateInstances(q -> q.instanceIds(id));
      await(id, InstanceStateName.TERMINATED);
      String g = groups.get(i);
      ec2.deleteSecurityGroup(q -> q.groupId(g));
    }
    // Cleanup, in dependency order.
    ec2.disassociateRouteTable(q -> q.associationId(pubAssoc));
    ec2.disassociateRouteTable(q -> q.associationId(privAssoc));
    ec2.deleteSubnet(q -> q.subnetId(pub));
    ec2.deleteSubnet(q -> q.subnetId(priv));
    ec2.deleteRouteTable(q -> q.routeTableId(publicRt));
    ec2.deleteRouteTable(q -> q.routeTableId(privateRt));
    ec2.deleteSecurityGroup(q -> q.groupId(sg));
    ec2.deleteKeyPair(q -> q.keyName("bare"));
    ec2.detachInternetGateway(q -> q.internetGatewayId(igw).vpcId(vpc));
    ec2.deleteInternetGateway(q -> q.internetGatewayId(igw));
    ec2.deleteVpc(q -> q.vpcId(vpc));
    ec2.close();
  }

  private Instance describe(String id) {
    return ec2.describeInstances(q -> q.instanceIds(id)).reservations().get(0).instances()
        .get(0);
  }

  private void await(String id, InstanceStateName target) {
    for (int i = 0; i < 100; i++) {
      if (describe(id).state().name() == target) {
        return;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(id + " never became " + target);
  }
}
