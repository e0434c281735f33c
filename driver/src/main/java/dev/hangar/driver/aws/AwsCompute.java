package dev.hangar.driver.aws;

import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * EC2 instances of deployed apps, identified by the instance id Deploy returned as vmUuid.
 * Power changes wait (bounded, cancellable) for the state; an instance already in it is
 * success, and so is stopping or deleting one that is gone.
 */
final class AwsCompute implements ComputeService {
  private final Ec2Session s;
  private final Instances instances;

  AwsCompute(Ec2Session s) {
    this.s = s;
    this.instances = new Instances(s);
  }

  @Override
  public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    return new Ec2Deployer(s).deploy(request, scope);
  }

  @Override
  public void powerOn(DeployedVm vm, CommandScope scope) {
    Instance i = existing(vm);
    String id = i.instanceId();
    InstanceStateName state = i.state().name();
    if (state == InstanceStateName.RUNNING) {
      return;
    }
    if (state == InstanceStateName.STOPPING) {
      instances.await(id, InstanceStateName.STOPPED, false, s.timeouts().stopped(), scope);
    }
    if (state != InstanceStateName.PENDING) {
      s.run("start instance " + id, () -> s.ec2().startInstances(q -> q.instanceIds(id)));
    }
    instances.await(id, InstanceStateName.RUNNING, false, s.timeouts().running(), scope);
  }

  @Override
  public void powerOff(DeployedVm vm, CommandScope scope) {
    Optional<Instance> found = instances.get(vm.uid());
    if (found.isEmpty()) {
      return;
    }
    String id = vm.uid();
    InstanceStateName state = found.get().state().name();
    if (state == InstanceStateName.STOPPED || state == InstanceStateName.SHUTTING_DOWN) {
      return;
    }
    if (state == InstanceStateName.PENDING) {
      // EC2 refuses to stop an instance that is still starting.
      instances.await(id, InstanceStateName.RUNNING, false, s.timeouts().running(), scope);
    }
    if (state != InstanceStateName.STOPPING) {
      s.delete("stop instance " + id, () -> s.ec2().stopInstances(q -> q.instanceIds(id)));
    }
    instances.await(id, InstanceStateName.STOPPED, true, s.timeouts().stopped(), scope);
  }

  /**
   * Releases the instance's Elastic IP, terminates it (waiting until it is gone, so its
   * interfaces free the subnets), then deletes the app's own security groups.
   */
  @Override
  public void delete(DeployedVm vm, CommandScope scope) {
    String id = vm.uid();
    new ElasticIps(s).release(id);
    if (instances.get(id).isPresent()) {
      scope.progress("terminating instance " + id);
      instances.terminateAndWait(java.util.List.of(id), scope);
    }
    long deadline = s.deadline(s.timeouts().cleanup());
    for (SecurityGroup g : s.call("find the security groups of " + id, () -> s.ec2()
        .describeSecurityGroups(q -> q.filters(Tags.tag(Tags.INSTANCE, id))).securityGroups())) {
      s.deleteWhenFree("delete security group " + g.groupId(), () -> s.ec2()
          .deleteSecurityGroup(q -> q.groupId(g.groupId())), deadline, scope);
    }
  }

  @Override
  public VmDetailsData details(DeployedVm vm, CommandScope scope) {
    return InstanceDetails.of(existing(vm), vm.resourceName());
  }

  @Override
  public Addresses addresses(DeployedVm vm, CommandScope scope) {
    return InstanceDetails.addresses(existing(vm));
  }

  private Instance existing(DeployedVm vm) {
    return instances.get(vm.uid()).orElseThrow(() -> BackendException.failed("instance "
        + vm.uid() + " of app '" + vm.resourceName() + "' no longer exists in region "
        + s.settings().region(), null));
  }
}
