package dev.hangar.driver.aws;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * Everything an EC2 (here moto) holds that a sandbox could leave behind, read with the SDK's own
 * describes independently of the backend: VPCs, subnets, internet gateways, route tables,
 * security groups, key pairs, network interfaces, addresses, volumes, the account's images and
 * snapshots, and instances other than terminated ones. Two snapshots compare by their ids.
 */
record MotoState(Map<String, Set<String>> ids) {
  /** The access key id of the reader's requests, which {@link MotoServer#recorded()} leaves out. */
  static final String READER_KEY = "AKIASTATEREADER00001";

  /** A client of {@code endpoint} with any credentials (moto checks none). */
  static Ec2Client client(String endpoint) {
    return client(endpoint, Ec2Peer.REGION);
  }

  /** {@link #client(String)} for another region (moto keeps each region's state apart). */
  static Ec2Client client(String endpoint, String region) {
    return Ec2Client.builder().region(Region.of(region))
        .endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(READER_KEY, "state-reader")))
        .build();
  }

  static MotoState read(Ec2Client ec2) {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("vpcs", set(ec2.describeVpcs().vpcs().stream().map(v -> v.vpcId())));
    m.put("subnets", set(ec2.describeSubnets().subnets().stream().map(v -> v.subnetId())));
    m.put("internet gateways", set(ec2.describeInternetGateways().internetGateways().stream()
        .map(v -> v.internetGatewayId())));
    m.put("route tables", set(ec2.describeRouteTables().routeTables().stream()
        .map(v -> v.routeTableId())));
    m.put("security groups", set(ec2.describeSecurityGroups().securityGroups().stream()
        .map(v -> v.groupId())));
    m.put("key pairs", set(ec2.describeKeyPairs().keyPairs().stream()
        .map(v -> v.keyName() + "/" + v.keyPairId())));
    m.put("network interfaces", set(ec2.describeNetworkInterfaces().networkInterfaces()
        .stream().map(v -> v.networkInterfaceId())));
    m.put("addresses", set(ec2.describeAddresses().addresses().stream()
        .map(v -> v.publicIp() + "/" + v.allocationId())));
    m.put("volumes", set(ec2.describeVolumes().volumes().stream().map(v -> v.volumeId())));
    m.put("images", set(ec2.describeImages(q -> q.owners("self")).images().stream()
        .map(v -> v.imageId())));
    m.put("snapshots", set(ec2.describeSnapshots(q -> q.ownerIds("self")).snapshots().stream()
        .map(v -> v.snapshotId())));
    m.put("instances", set(ec2.describeInstances(q -> q.filters(Filter.builder()
        .name("instance-state-name").values("pending", "running", "stopping", "stopped",
            "shutting-down").build())).reservations().stream()
        .flatMap(r -> r.instances().stream()).map(i -> i.instanceId())));
    return new MotoState(m);
  }

  /** What {@code before} had that this state has not, by kind (kinds with none gone left out). */
  Map<String, Set<String>> goneSince(MotoState before) {
    return before.addedSince(this);
  }

  /** What this state has that {@code before} had not, by kind (kinds with nothing new left out). */
  Map<String, Set<String>> addedSince(MotoState before) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    ids.forEach((kind, now) -> {
      Set<String> added = new TreeSet<>(now);
      added.removeAll(before.ids.getOrDefault(kind, Set.of()));
      if (!added.isEmpty()) {
        out.put(kind, added);
      }
    });
    return out;
  }

  private static Set<String> set(java.util.stream.Stream<String> s) {
    return s.collect(Collectors.toCollection(TreeSet::new));
  }
}
