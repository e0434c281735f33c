package dev.hangar.driver.aws;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.PlannedOperation.Op;
import dev.hangar.driver.spi.Quotas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * {@code hangar plan Deploy} of {@code AWS EC2 Instance}: the EC2 objects the Deploy would make,
 * in its order (the claim on the action ({@link Ec2DeployClaims}), the instance, the EBS
 * volumes of its AMI's block device mappings, one network interface per connectSubnet, the
 * Elastic IP), or, for an action an earlier attempt deployed
 * (found as Deploy finds it: the sandbox's instances by tag, the creating actionId), the objects
 * that attempt made, as {@code exists}. Read-only: Describe* calls only. It refuses what the
 * Deploy would refuse: bad attributes, a sandbox not prepared, subnets, an AMI or an instance
 * type EC2 does not know, and a Deploy the provider's Quotas would turn away now.
 */
final class Ec2DeployPlanner {
  private final Ec2Session s;

  Ec2DeployPlanner(Ec2Session s) {
    this.s = s;
  }

  List<PlannedOperation> plan(DeployRequest request, CommandScope scope) {
    String sandbox = scope.reservationId();
    if (sandbox.isEmpty()) {
      throw new ClientException("Deploy needs the reservation id of the sandbox");
    }
    DeployPlan plan = DeployPlan.of(request, s.settings());
    Ec2Quota quota = new Ec2Quota(s, s.quotas());
    Ec2Deployer deployer = new Ec2Deployer(s);
    List<Instance> sandboxInstances = new Instances(s).find("find the instances of sandbox "
        + sandbox, Tags.sandbox(sandbox));
    Optional<Instance> earlier = Ec2Deployer.earlier(sandboxInstances, plan);
    if (earlier.isPresent()) {
      return existing(earlier.get(), plan);
    }
    List<String> subnetIds = plan.nics().stream().map(DeployPlan.Nic::subnetId).distinct()
        .toList();
    Map<String, Subnet> subnets = subnets(subnetIds);
    String group = deployer.sandboxGroup(sandbox, sandboxInstances, plan);
    Image image = image(plan.ami());
    InstanceTypeInfo type = type(plan.instanceType());
    String key = SandboxKeys.keyName(sandbox);
    boolean hasKey = !s.call("find the key pair of sandbox " + sandbox, () -> s.ec2()
        .describeKeyPairs(q -> q.filters(Tags.filter("key-name", key))).keyPairs()).isEmpty();
    refuseOverQuota(quota, sandbox, plan, type);

    String where = s.settings().region();
    Map<String, String> tags = deployer.instanceTags(plan, sandbox, scope);
    List<PlannedOperation> ops = new ArrayList<>();
    // First the claim on the action, which no other host's Deploy of it can take meanwhile.
    String claim = Ec2DeployClaims.name(sandbox, plan.actionId());
    ops.add(new PlannedOperation(Op.CREATE, "deploy-claim", claim, "", where, Map.of(
        "keyName", claim, "note", "a key pair no instance uses, imported before the launch"
        + " and deleted once the instance is ready; another host's Deploy of this action"
        + " waits for it, then adopts the instance")));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("ami", plan.ami());
    d.put("instanceType", plan.instanceType());
    d.put("vcpus", type.vCpuInfo() == null ? null : type.vCpuInfo().defaultVCpus());
    d.put("memoryMiB", type.memoryInfo() == null ? null : type.memoryInfo().sizeInMiB());
    d.put("subnets", subnetIds);
    d.put("securityGroups", List.of(group));
    // Deploy launches with the sandbox's key pair, or without one when createKeys made none.
    d.put("keyName", hasKey ? key : "");
    d.put("publicIp", plan.publicIp().name().toLowerCase(java.util.Locale.ROOT));
    d.put("userDataBytes", plan.userData().getBytes(java.nio.charset.StandardCharsets.UTF_8)
        .length);
    d.put("clientToken", Ec2Deployer.clientToken(sandbox, plan));
    d.put("tags", tags);
    ops.add(new PlannedOperation(Op.CREATE, "instance", plan.vmName(), "", where, d));
    for (BlockDeviceMapping m : image.blockDeviceMappings()) {
      if (m.ebs() == null) {
        continue;
      }
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("device", m.deviceName());
      v.put("sizeGiB", m.ebs().volumeSize());
      v.put("volumeType", m.ebs().volumeTypeAsString());
      v.put("fromSnapshot", m.ebs().snapshotId() == null ? "" : m.ebs().snapshotId());
      v.put("deleteOnTermination", m.ebs().deleteOnTermination());
      ops.add(new PlannedOperation(Op.CREATE, "volume", m.deviceName(), "", where, v));
    }
    for (int i = 0; i < plan.nics().size(); i++) {
      DeployPlan.Nic n = plan.nics().get(i);
      Map<String, Object> eni = new LinkedHashMap<>();
      eni.put("deviceIndex", i);
      eni.put("subnet", n.subnetId());
      eni.put("vpc", subnets.get(n.subnetId()).vpcId());
      eni.put("privateIp", n.privateIp().isEmpty() ? "from the subnet" : n.privateIp());
      eni.put("publicIp", i == 0 && plan.publicIp() == DeployPlan.PublicIp.AUTO
          && plan.nics().size() == 1);
      eni.put("securityGroups", List.of(group));
      eni.put("connectSubnet", n.action().actionId());
      ops.add(new PlannedOperation(Op.CREATE, "network-interface", "eth" + i, "", where, eni));
    }
    if (plan.needsElasticIp()) {
      ops.add(new PlannedOperation(Op.CREATE, "elastic-ip", "hangar (the new instance)", "",
          where, Map.of("attachedTo", "network interface eth0", "tags", s.tagged(sandbox,
              Tags.ROLE_ELASTIC_IP, "hangar <instance id>", Map.of(Tags.ACTION,
                  plan.actionId())))));
    }
    return ops;
  }

  /** What an earlier attempt made: Deploy would find it and make nothing but what is missing. */
  private List<PlannedOperation> existing(Instance i, DeployPlan plan) {
    String where = s.settings().region();
    List<PlannedOperation> ops = new ArrayList<>();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("state", i.state().nameAsString());
    d.put("ami", i.imageId());
    d.put("instanceType", i.instanceTypeAsString());
    d.put("note", "launched by an earlier attempt of this Deploy; it would be found, not made");
    ops.add(new PlannedOperation(Op.EXISTS, "instance", plan.vmName(), i.instanceId(), where,
        d));
    for (InstanceBlockDeviceMapping m : i.blockDeviceMappings()) {
      if (m.ebs() != null) {
        ops.add(new PlannedOperation(Op.EXISTS, "volume", m.deviceName(), m.ebs().volumeId(),
            where, Map.of("device", m.deviceName())));
      }
    }
    List<InstanceNetworkInterface> nics = InstanceDetails.ordered(i);
    for (InstanceNetworkInterface n : nics) {
      int index = InstanceDetails.device(n);
      ops.add(new PlannedOperation(Op.EXISTS, "network-interface", "eth" + index,
          n.networkInterfaceId(), where, Map.of("deviceIndex", index, "subnet", n.subnetId())));
    }
    if (plan.needsElasticIp()) {
      List<Address> mine = s.call("find the Elastic IPs of " + i.instanceId(), () -> s.ec2()
          .describeAddresses(q -> q.filters(Tags.tag(Tags.INSTANCE, i.instanceId())))
          .addresses());
      if (mine.isEmpty()) {
        ops.add(new PlannedOperation(Op.CREATE, "elastic-ip", "hangar " + i.instanceId(), "",
            where, Map.of("attachedTo", "network interface eth0")));
      } else {
        Address a = mine.get(0);
        ops.add(new PlannedOperation(a.associationId() == null ? Op.UPDATE : Op.EXISTS,
            "elastic-ip", "hangar " + i.instanceId(), a.allocationId(), where, Map.of(
                "publicIp", a.publicIp(), "attached", a.associationId() != null)));
      }
    }
    return ops;
  }

  /**
   * Deploy counts its instance last in the launch order, so it is refused when the scope's live
   * instances now plus it exceed a limit: the same message as Deploy's.
   */
  private void refuseOverQuota(Ec2Quota quota, String sandbox, DeployPlan plan,
      InstanceTypeInfo type) {
    if (quota.isEmpty()) {
      return;
    }
    for (String scopeName : Quotas.SCOPES) {
      String who = scopeName.equals("domain") ? s.ownerDomain() : sandbox;
      if (who.isEmpty() || !quota.limits(scopeName)) {
        continue;
      }
      List<Instance> live = new Instances(s).find("count the instances of " + scopeName + " '"
          + who + "' for the quotas", Tags.tag(scopeName.equals("domain") ? Tags.DOMAIN
          : Tags.SANDBOX, who)).stream().filter(i -> i.state() == null
          || Instances.LIVE.contains(i.state().name())).toList();
      Map<String, Long> mine = new HashMap<>();
      mine.put("vms", 1L);
      mine.put("public-ips", plan.wantsPublicIp() ? 1L : 0L);
      mine.put("vcpus", type.vCpuInfo() == null ? 0L : type.vCpuInfo().defaultVCpus());
      mine.put("ram", type.memoryInfo() == null ? 0L : type.memoryInfo().sizeInMiB());
      String over = quota.exceededWith(scopeName, who, live, mine);
      if (over != null) {
        throw new ClientException(over + "; delete apps or ask your admin to raise 'Quotas'"
            + " (apps launched before this one keep their places)");
      }
    }
  }

  private Map<String, Subnet> subnets(List<String> ids) {
    Map<String, Subnet> out = new HashMap<>();
    try {
      s.ec2().describeSubnets(q -> q.filters(Tags.filter("subnet-id", ids.toArray(String[]::new))))
          .subnets().forEach(sn -> out.put(sn.subnetId(), sn));
    } catch (SdkException e) {
      throw Ec2Errors.wrap("read subnets " + String.join(", ", ids), e, s.settings());
    }
    if (!out.keySet().containsAll(ids)) {
      throw new ClientException("subnet(s) " + String.join(", ", ids) + " of the connectSubnet"
          + " actions do not exist; were they prepared by PrepareSandboxInfra?");
    }
    return out;
  }

  private Image image(String ami) {
    List<Image> found;
    try {
      found = s.ec2().describeImages(q -> q.imageIds(ami)).images();
    } catch (SdkException e) {
      if (!Ec2Errors.notFound(e) && !Ec2Errors.code(e).startsWith("InvalidAMIID")) {
        throw Ec2Errors.wrap("read AMI " + ami, e, s.settings());
      }
      found = List.of();
    }
    if (found.isEmpty()) {
      throw new ClientException("attribute 'AWS AMI Id' of deployment path '" + DeployPlan.PATH
          + "': AMI " + ami + " does not exist in region " + s.settings().region());
    }
    return found.get(0);
  }

  private InstanceTypeInfo type(String name) {
    List<InstanceTypeInfo> found;
    try {
      found = s.ec2().describeInstanceTypes(q -> q.instanceTypesWithStrings(name))
          .instanceTypes();
    } catch (SdkException e) {
      if (!Ec2Errors.code(e).startsWith("InvalidInstanceType")
          && !"InvalidParameterValue".equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("read instance type " + name, e, s.settings());
      }
      found = List.of();
    }
    if (found.isEmpty()) {
      throw new ClientException("instance type " + name + " does not exist in region "
          + s.settings().region() + "; set attribute 'Instance Type' of deployment path '"
          + DeployPlan.PATH + "' or of cloud provider '" + s.settings().providerName() + "'");
    }
    return found.get(0);
  }
}
