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
 * Elastic IPs of instances: allocated with the sandbox and instance tags (so Cleanup, and a
 * DeleteInstance that lacks Deploy's additional data, find them) and attached to the instance's
 * device-0 interface. Deploy names the allocation and association in the app's
 * deployedAppAdditionalData ({@link #ALLOCATION}, {@link #ASSOCIATION}), which the platform hands
 * back to DeleteInstance as vmCustomParams: Delete then needs no lookup.
 */
final class ElasticIps {
  /** Additional-data key: the Elastic IP's allocation id, or "" when Deploy attached none. */
  static final String ALLOCATION = "Elastic IP Allocation ID";
  /** Additional-data key: the Elastic IP's association id, or "" when Deploy attached none. */
  static final String ASSOCIATION = "Elastic IP Association ID";
  private final Ec2Session s;

  /** An Elastic IP attached by Deploy. */
  record Attached(String publicIp, String allocationId, String associationId) {}

  ElasticIps(Ec2Session s) {
    this.s = s;
  }

  /**
   * Gives the instance an Elastic IP (the one an earlier attempt allocated, if any).
   */
  Attached attach(Instance instance, String sandbox, String actionId, Rollback rollback,
      CommandScope scope) {
    String id = instance.instanceId();
    List<Address> mine = ofInstance(id);
    Address a;
    if (mine.isEmpty()) {
      Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_ELASTIC_IP, "hangar " + id,
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
      return new Attached(a.publicIp(), a.allocationId(), a.associationId());
    }
    var eni = InstanceDetails.ordered(instance).get(0).networkInterfaceId();
    scope.checkCancelled("attaching Elastic IP " + a.publicIp());
    String association = s.call("attach Elastic IP " + a.publicIp() + " to " + id, () -> s.ec2()
        .associateAddress(q -> q.allocationId(a.allocationId()).networkInterfaceId(eni))
        .associationId());
    rollback.push("detach Elastic IP " + a.publicIp(), () -> s.delete("detach Elastic IP "
        + a.publicIp(), () -> s.ec2().disassociateAddress(q -> q.associationId(association))));
    return new Attached(a.publicIp(), a.allocationId(), association);
  }

  /**
   * Detaches and releases the instance's Elastic IPs; none is success. With Deploy's additional
   * data ({@code allocationId} not null: "" for none) it acts on what Deploy attached without a
   * lookup; without it (a caller that does not hand the data back) it finds them by tag.
   */
  int release(String instanceId, String allocationId, String associationId) {
    if (allocationId != null) {
      if (allocationId.isBlank()) {
        return 0;
      }
      if (associationId != null && !associationId.isBlank()) {
        s.delete("detach Elastic IP " + allocationId, () -> s.ec2().disassociateAddress(q -> q
            .associationId(associationId)));
      }
      return s.delete("release Elastic IP " + allocationId, () -> s.ec2().releaseAddress(q -> q
          .allocationId(allocationId))) ? 1 : 0;
    }
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
