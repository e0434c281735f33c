package dev.hangar.driver.aws;

import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * Elastic IPs of instances: allocated with the sandbox and instance tags (so DeleteInstance and
 * Cleanup find them) and attached to the instance's device-0 interface.
 */
final class ElasticIps {
  private final Ec2Session s;

  ElasticIps(Ec2Session s) {
    this.s = s;
  }

  /**
   * Gives the instance an Elastic IP (the one an earlier attempt allocated, if any); returns its
   * public address.
   */
  String attach(Instance instance, String sandbox, String actionId, Rollback rollback,
      CommandScope scope) {
    String id = instance.instanceId();
    List<Address> mine = ofInstance(id);
    Address a;
    if (mine.isEmpty()) {
      Map<String, String> tags = Tags.of(sandbox, Tags.ROLE_ELASTIC_IP, "hangar " + id,
          Map.of(Tags.INSTANCE, id, Tags.ACTION, actionId));
      var made = s.call("allocate an Elastic IP for " + id, () -> s.ec2().allocateAddress(q -> q
          .domain(DomainType.VPC).tagSpecifications(Tags.spec(ResourceType.ELASTIC_IP, tags))));
      a = Address.builder().allocationId(made.allocationId()).publicIp(made.publicIp()).build();
    } else {
      a = mine.get(0);
    }
    rollback.push("release Elastic IP " + a.publicIp(), () -> s.delete("release Elastic IP "
        + a.publicIp(), () -> s.ec2().releaseAddress(q -> q.allocationId(a.allocationId()))));
    if (a.associationId() != null) {
      return a.publicIp();
    }
    var eni = InstanceDetails.ordered(instance).get(0).networkInterfaceId();
    scope.checkCancelled("attaching Elastic IP " + a.publicIp());
    String association = s.call("attach Elastic IP " + a.publicIp() + " to " + id, () -> s.ec2()
        .associateAddress(q -> q.allocationId(a.allocationId()).networkInterfaceId(eni))
        .associationId());
    rollback.push("detach Elastic IP " + a.publicIp(), () -> s.delete("detach Elastic IP "
        + a.publicIp(), () -> s.ec2().disassociateAddress(q -> q.associationId(association))));
    return a.publicIp();
  }

  /** Detaches and releases the instance's Elastic IPs; none is success. */
  int release(String instanceId) {
    int n = 0;
    for (Address a : ofInstance(instanceId)) {
      if (a.associationId() != null) {
        s.delete("detach Elastic IP " + a.publicIp(), () -> s.ec2().disassociateAddress(q -> q
            .associationId(a.associationId())));
      }
      if (s.delete("release Elastic IP " + a.publicIp(), () -> s.ec2().releaseAddress(q -> q
          .allocationId(a.allocationId())))) {
        n++;
      }
    }
    return n;
  }

  private List<Address> ofInstance(String instanceId) {
    return s.call("find the Elastic IPs of " + instanceId, () -> s.ec2().describeAddresses(q -> q
        .filters(Tags.tag(Tags.INSTANCE, instanceId))).addresses());
  }
}
