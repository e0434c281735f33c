package dev.hangar.driver.aws;

import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * EC2 instances of deployed apps, identified by the instance id Deploy returned as vmUuid.
 * Power changes wait (bounded, cancellable) for the state; an instance already in it is
 * success, and so is stopping or deleting one that is gone.
 */
final class AwsCompute implements ComputeService {
  /** EC2's answer to a start or stop the instance's state does not allow. */
  private static final String INCORRECT_STATE = "IncorrectInstanceState";
  private final Ec2Session s;
  private final Instances instances;
  /** Instances read by {@link #willReadDetails} in this command, each used once. */
  private final Map<String, Instance> read = new ConcurrentHashMap<>();

  AwsCompute(Ec2Session s) {
    this.s = s;
    this.instances = new Instances(s);
  }

  @Override
  public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    return new Ec2Deployer(s).deploy(request, scope);
  }

  /**
   * Starts the instance straight away (EC2 takes starting a running one as done) and waits;
   * only a state EC2 refuses (stopping) makes it read the instance first.
   */
  @Override
  public void powerOn(DeployedVm vm, CommandScope scope) {
    String id = vm.uid();
    try {
      s.ec2().startInstances(q -> q.instanceIds(id));
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        throw gone(vm);
      }
      if (!INCORRECT_STATE.equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("start instance " + id, e, s.settings());
      }
      powerOnFromState(vm, scope);
      return;
    }
    instances.await(id, InstanceStateName.RUNNING, false, s.timeouts().running(), scope);
  }

  private void powerOnFromState(DeployedVm vm, CommandScope scope) {
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

  /**
   * Stops the instance straight away (EC2 takes stopping a stopped one as done, and a gone one
   * is success) and waits; only a state EC2 refuses (pending, shutting-down) makes it read the
   * instance first.
   */
  @Override
  public void powerOff(DeployedVm vm, CommandScope scope) {
    String id = vm.uid();
    try {
      s.ec2().stopInstances(q -> q.instanceIds(id));
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        return;
      }
      if (!INCORRECT_STATE.equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("stop instance " + id, e, s.settings());
      }
      powerOffFromState(vm, scope);
      return;
    }
    instances.await(id, InstanceStateName.STOPPED, true, s.timeouts().stopped(), scope);
  }

  private void powerOffFromState(DeployedVm vm, CommandScope scope) {
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
   * Releases the instance's Elastic IP (the one Deploy's additional data names, or those found
   * by tag without it), terminates it (waiting until it is gone, so its interfaces free the
   * subnets), then deletes the app's own security groups.
   */
  @Override
  public void delete(DeployedVm vm, CommandScope scope) {
    String id = vm.uid();
    new ElasticIps(s).release(id, vm.customParam(ElasticIps.ALLOCATION),
        vm.customParam(ElasticIps.ASSOCIATION));
    // Terminating one that is gone is "not found", which terminateAndWait takes as done.
    scope.progress("terminating instance " + id);
    instances.terminateAndWait(List.of(id), scope);
    long deadline = s.deadline(s.timeouts().cleanup());
    for (SecurityGroup g : s.call("find the security groups of " + id, () -> s.ec2()
        .describeSecurityGroups(q -> q.filters(Tags.tag(Tags.INSTANCE, id))).securityGroups())) {
      s.deleteWhenFree("delete security group " + g.groupId(), () -> s.ec2()
          .deleteSecurityGroup(q -> q.groupId(g.groupId())), deadline, scope);
    }
  }

  /**
   * Reads the instances of a GetVmDetails in one DescribeInstances (per 100); {@link #details}
   * answers each of them from it once. An instance missing from it is read on its own, so a
   * gone one fails with the usual message.
   */
  @Override
  public void willReadDetails(List<DeployedVm> vms, CommandScope scope) {
    read.putAll(instances.byIds("read the instances of the apps", vms.stream()
        .map(DeployedVm::uid).toList()));
  }

  @Override
  public VmDetailsData details(DeployedVm vm, CommandScope scope) {
    Instance known = read.remove(vm.uid());
    return InstanceDetails.of(known != null ? known : existing(vm), vm.resourceName());
  }

  @Override
  public Addresses addresses(DeployedVm vm, CommandScope scope) {
    return InstanceDetails.addresses(existing(vm));
  }

  /** reconfigure_vm: see {@link InstanceReshaper} for the rules. */
  @Override
  public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
    if (change.isEmpty()) {
      return;
    }
    new InstanceReshaper(s).reshape(existing(vm), vm, change, scope);
  }

  /** The console output, the serial console's command and the web console: {@link Ec2Console}. */
  @Override
  public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
    String id = vm.uid();
    String output;
    try {
      // The last buffered output: "latest" would be fresher, but only Nitro instances have it.
      output = s.ec2().getConsoleOutput(q -> q.instanceId(id)).output();
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        throw gone(vm);
      }
      throw Ec2Errors.wrap("read the console output of " + id, e, s.settings());
    }
    return Ec2Console.of(id, s.settings().region(), output);
  }

  private Instance existing(DeployedVm vm) {
    return instances.get(vm.uid()).orElseThrow(() -> gone(vm));
  }

  private BackendException gone(DeployedVm vm) {
    return BackendException.failed("instance " + vm.uid() + " of app '" + vm.resourceName()
        + "' no longer exists in region " + s.settings().region(), null);
  }
}
