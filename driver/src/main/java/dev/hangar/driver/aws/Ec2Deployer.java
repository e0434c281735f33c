package dev.hangar.driver.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.request.Attribute;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.Rollback;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Deploy of {@code AWS EC2 Instance}. The tags (sandbox, app, creating actionId, owner,
 * blueprint) are set by RunInstances itself, so the instance is never untagged; a retried Deploy
 * finds it by sandbox and actionId (and RunInstances' client token covers the moment before it is
 * visible). A failure or cancellation after launch releases the Elastic IP and terminates the
 * instance. Sandbox hosts that run the same actionId at once make one instance: each first claims
 * the action ({@link Ec2DeployClaims}); the holder launches and releases the claim once the
 * instance is ready, the others wait for that and adopt the instance. Under the provider's
 * Quotas the instance is counted in its scopes right after launch and again once it runs
 * ({@link Ec2Quota}); one over a limit is terminated before any Elastic IP is allocated for it.
 */
final class Ec2Deployer {
  private final Ec2Session s;
  private final Instances instances;
  private final Ec2DeployClaims claims;

  Ec2Deployer(Ec2Session s) {
    this.s = s;
    this.instances = new Instances(s);
    this.claims = new Ec2DeployClaims(s);
  }

  DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    String sandbox = scope.reservationId();
    if (sandbox.isEmpty()) {
      throw new ClientException("Deploy needs the reservation id of the sandbox");
    }
    DeployPlan plan = DeployPlan.of(request, s.settings());
    Ec2Quota quota = new Ec2Quota(s, s.quotas());
    long deadline = s.deadline(s.timeouts().running());
    while (true) {
      // The claim first, then the look: an attempt that made the instance and released its
      // claim before this one claimed shows in the look.
      Optional<Ec2DeployClaims.Claim> claim = claims.tryClaim(sandbox, plan.actionId());
      // One look at the sandbox's instances serves twice: an earlier attempt of this action,
      // and (on any app already deployed) the id of the sandbox group to launch into.
      List<Instance> sandboxInstances = instances.find("find the instances of sandbox "
          + sandbox, Tags.sandbox(sandbox));
      Optional<Instance> earlier = earlier(sandboxInstances, plan);
      if (earlier.isPresent()) {
        // Made by an earlier attempt, which may have died after its launch (a retry), or by
        // another host that holds the claim still: adopt it as a retry does.
        claim.ifPresent(c -> claims.release(c.name()));
        return deploy(plan, sandbox, quota, earlier.get(), sandboxInstances, null, scope);
      }
      if (claim.isEmpty()) {
        claims.await(Ec2DeployClaims.name(sandbox, plan.actionId()), plan.vmName(), deadline,
            scope);
        continue; // made or rolled back meanwhile: look again
      }
      try {
        return deploy(plan, sandbox, quota, null, sandboxInstances, claim.get(), scope);
      } catch (GaveWay e) {
        scope.progress(e.getMessage());
        claims.await(claim.get().name(), plan.vmName(), deadline, scope);
      }
    }
  }

  /** This attempt gave way to another that holds the claim too: it undid its launch. */
  private static final class GaveWay extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GaveWay(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Deploys {@code earlier} (found) or, under {@code claim}, a new instance; releases the claim
   * once the instance is ready, or after the rollback.
   */
  private DeployOutcome deploy(DeployPlan plan, String sandbox, Ec2Quota quota,
      Instance earlier, List<Instance> sandboxInstances, Ec2DeployClaims.Claim claim,
      CommandScope scope) {
    Rollback rollback = new Rollback();
    boolean[] gaveWay = {false};
    if (claim != null) {
      rollback.push("release deploy claim " + claim.name(), () -> {
        if (!gaveWay[0]) {
          claims.release(claim.name());
        }
      });
    }
    try {
      Instance launched = earlier != null ? earlier
          : launch(plan, sandbox, sandboxInstances, scope);
      String id = launched.instanceId();
      String info = earlier != null ? "found instance " + id + " that an earlier attempt of"
          + " this Deploy launched" : "launched instance " + id;
      rollback.push("terminate instance " + id, () -> s.delete("terminate instance " + id,
          () -> s.ec2().terminateInstances(q -> q.instanceIds(id))));
      long launchedAt = s.now();
      quota.check(launched, sandbox, scope);
      scope.progress("waiting for instance " + id + " (" + plan.vmName() + ") to run");
      Instance running = instances.await(id, InstanceStateName.RUNNING, false,
          s.timeouts().running(), scope).orElseThrow();
      if (!quota.isEmpty()) {
        // The second count, once every instance launched before this one shows: see Ec2Quota.
        quota.settle(launchedAt, scope);
        quota.check(running, sandbox, scope);
      }
      ElasticIps.Attached elasticIp = plan.needsElasticIp()
          ? new ElasticIps(s).attach(running, sandbox, plan.actionId(), rollback, scope) : null;
      Instance ready = plan.waitForIp() ? awaitAddresses(running, plan, scope)
          : instances.get(id).orElse(running);
      if (claim != null) {
        if (!claims.releaseIfHeld(claim)) {
          gaveWay[0] = true; // the claim is the other attempt's to release
          // On EC2 the client token gave the other attempt this very instance: nothing to give
          // way to, and terminating it would take the other's VM too.
          if (anotherInstance(sandbox, plan, id)) {
            throw new GaveWay("another host holds the claim on this Deploy too; terminating"
                + " instance " + id + " and waiting for that host's");
          }
        }
        gaveWay[0] = true; // released: the rollback has nothing left to release
      }
      rollback.commit();
      return outcome(ready, plan, info, elasticIp);
    } catch (GaveWay e) {
      String left = rollback.undo();
      if (!left.isEmpty()) {
        throw BackendException.failed(e.getMessage() + "; " + left, e);
      }
      throw e;
    } catch (RuntimeException e) {
      throw rollback.undoAfter(e);
    }
  }

  /** Whether the action has a live instance other than {@code id}. */
  private boolean anotherInstance(String sandbox, DeployPlan plan, String id) {
    return instances.find("find the instances of sandbox " + sandbox, Tags.sandbox(sandbox))
        .stream()
        .filter(i -> plan.actionId().equals(Tags.value(i.tags(), Tags.ACTION)))
        .filter(i -> !id.equals(i.instanceId()))
        .anyMatch(i -> i.state().name() != InstanceStateName.SHUTTING_DOWN
            && i.state().name() != InstanceStateName.TERMINATED);
  }

  /**
   * Launches the instance with the fewest calls: the sandbox group is read off an instance
   * already in the sandbox, or looked up for the first; the subnets and the key pair (whose name
   * the sandbox fixes) are left to RunInstances to check, and its refusals are turned into the
   * same messages.
   */
  private Instance launch(DeployPlan plan, String sandbox, List<Instance> sandboxInstances,
      CommandScope scope) {
    String sg = sandboxGroup(sandbox, sandboxInstances, plan);
    List<InstanceNetworkInterfaceSpecification> nics = new ArrayList<>();
    for (int i = 0; i < plan.nics().size(); i++) {
      DeployPlan.Nic n = plan.nics().get(i);
      InstanceNetworkInterfaceSpecification.Builder b = InstanceNetworkInterfaceSpecification
          .builder().deviceIndex(i).subnetId(n.subnetId()).groups(sg).deleteOnTermination(true);
      if (!n.privateIp().isEmpty()) {
        b.privateIpAddress(n.privateIp());
      }
      if (i == 0 && plan.publicIp() == DeployPlan.PublicIp.AUTO && plan.nics().size() == 1) {
        b.associatePublicIpAddress(true);
      }
      nics.add(b.build());
    }
    Map<String, String> tags = instanceTags(plan, sandbox, scope);
    RunInstancesRequest.Builder run = RunInstancesRequest.builder()
        .imageId(plan.ami()).instanceType(plan.instanceType()).minCount(1).maxCount(1)
        .networkInterfaces(nics)
        .clientToken(clientToken(sandbox, plan))
        .tagSpecifications(Tags.spec(ResourceType.INSTANCE, tags),
            Tags.spec(ResourceType.VOLUME, tags), Tags.spec(ResourceType.NETWORK_INTERFACE, tags));
    run.keyName(SandboxKeys.keyName(sandbox));
    if (!plan.userData().isEmpty()) {
      run.userData(Base64.getEncoder().encodeToString(
          plan.userData().getBytes(StandardCharsets.UTF_8)));
    }
    scope.checkCancelled("launching " + plan.vmName());
    scope.progress("launching " + plan.vmName() + " (" + plan.ami() + ", "
        + plan.instanceType() + ")");
    Instance made = runInstances(run, plan);
    if (made.state() != null && (made.state().name() == InstanceStateName.TERMINATED
        || made.state().name() == InstanceStateName.SHUTTING_DOWN)) {
      // The client token named an instance an earlier, rolled-back attempt launched: launch anew.
      made = runInstances(run.clientToken(UUID.randomUUID().toString()), plan);
    }
    return made;
  }

  /** The tags RunInstances sets on the instance, its volumes and interfaces. */
  Map<String, String> instanceTags(DeployPlan plan, String sandbox, CommandScope scope) {
    Map<String, String> tags = new LinkedHashMap<>(plan.customTags());
    tags.putAll(s.tagged(sandbox, Tags.ROLE_INSTANCE, plan.vmName(), Map.of(
        Tags.APP, plan.appName(), Tags.ACTION, plan.actionId(),
        Tags.OWNER, owner(scope), Tags.BLUEPRINT, blueprint(scope),
        Tags.PUBLIC_IPS, plan.wantsPublicIp() ? "1" : "0")));
    return tags;
  }

  /** The client token of the action's RunInstances. */
  static String clientToken(String sandbox, DeployPlan plan) {
    return DeployPlan.sha256(sandbox + "/" + plan.actionId()).substring(0, 64);
  }

  /** An earlier attempt's instance of this action among the sandbox's, if any. */
  static Optional<Instance> earlier(List<Instance> sandboxInstances, DeployPlan plan) {
    return sandboxInstances.stream()
        .filter(i -> plan.actionId().equals(Tags.value(i.tags(), Tags.ACTION)))
        .filter(i -> i.state().name() != InstanceStateName.SHUTTING_DOWN).findFirst();
  }

  /**
   * The sandbox group's id: from the interfaces of the sandbox's instances (every one is
   * launched into it, and its name is unique in the VPC), else from a lookup by tag.
   */
  String sandboxGroup(String sandbox, List<Instance> sandboxInstances, DeployPlan plan) {
    String name = SandboxNetwork.groupName(sandbox);
    Optional<String> known = sandboxInstances.stream()
        .flatMap(i -> i.networkInterfaces().stream()).flatMap(n -> n.groups().stream())
        .filter(g -> name.equals(g.groupName()) && g.groupId() != null)
        .map(GroupIdentifier::groupId).findFirst();
    if (known.isPresent()) {
      return known.get();
    }
    List<SecurityGroup> groups = s.call("find the sandbox security group", () -> s.ec2()
        .describeSecurityGroups(q -> q.filters(Tags.sandbox(sandbox),
            Tags.role(Tags.ROLE_SANDBOX_SG))).securityGroups());
    if (groups.isEmpty()) {
      List<String> subnetIds = plan.nics().stream().map(DeployPlan.Nic::subnetId).distinct()
          .toList();
      throw new ClientException("subnet(s) " + String.join(", ", subnetIds) + " of the"
          + " connectSubnet actions do not exist; were they prepared by PrepareSandboxInfra?"
          + " (sandbox " + sandbox + " has no security group)");
    }
    return groups.get(0).groupId();
  }

  /**
   * RunInstances; a sandbox without its key pair (createKeys was not asked for) launches
   * without one, and missing subnets or subnets of another VPC say which.
   */
  private Instance runInstances(RunInstancesRequest.Builder run, DeployPlan plan) {
    String subnets = String.join(", ", plan.nics().stream().map(DeployPlan.Nic::subnetId)
        .distinct().toList());
    for (int attempt = 0; ; attempt++) {
      RunInstancesRequest request = run.build();
      try {
        return s.ec2().runInstances(request).instances().get(0);
      } catch (SdkException e) {
        String code = Ec2Errors.code(e);
        if ("InvalidKeyPair.NotFound".equals(code) && attempt == 0) {
          run.keyName(null);
          continue;
        }
        if ("InvalidSubnetID.NotFound".equals(code)) {
          throw new ClientException("subnet(s) " + subnets + " of the connectSubnet actions do"
              + " not exist; were they prepared by PrepareSandboxInfra?");
        }
        throw Ec2Errors.wrap("launch " + plan.vmName() + " (subnets " + subnets + ")", e,
            s.settings());
      }
    }
  }

  /** Polls until device 0 has a private address matching IP Regex (and a public one if asked). */
  private Instance awaitAddresses(Instance first, DeployPlan plan, CommandScope scope) {
    long deadline = s.deadline(plan.ipTimeout());
    Instance i = first;
    for (int attempt = 0; ; attempt++) {
      var a = InstanceDetails.addresses(i);
      boolean privateOk = !a.privateIp().isEmpty() && (plan.ipRegex() == null
          || plan.ipRegex().matcher(a.privateIp()).find());
      if (privateOk && (!plan.wantsPublicIp() || !a.publicIp().isEmpty())) {
        return i;
      }
      if (s.now() >= deadline) {
        throw new BackendException("instance " + i.instanceId() + " had no "
            + (privateOk ? "public address" : "private address matching IP Regex") + " after "
            + plan.ipTimeout().toSeconds() + " s (Refresh IP Timeout); set 'Wait for IP' to"
            + " False to deploy without waiting", true, false, null);
      }
      s.pause(scope, "the address of " + i.instanceId(), attempt);
      String id = i.instanceId();
      i = instances.get(id).orElseThrow(() -> BackendException.failed("instance " + id
          + " disappeared while waiting for its address", null));
    }
  }

  /** The results; {@code elasticIp}: the address Deploy attached, or null. */
  private DeployOutcome outcome(Instance i, DeployPlan plan, String info,
      ElasticIps.Attached elasticIp) {
    var a = InstanceDetails.addresses(i);
    List<Attribute> attributes = a.publicIp().isEmpty() ? List.of()
        : List.of(new Attribute("Public IP", a.publicIp()));
    Map<String, Object> additional = new LinkedHashMap<>();
    additional.put("Region", s.settings().region());
    additional.put("VPC ID", i.vpcId() == null ? "" : i.vpcId());
    // Handed back to DeleteInstance, which then releases the address without looking it up.
    additional.put(ElasticIps.ALLOCATION, elasticIp == null ? "" : elasticIp.allocationId());
    additional.put(ElasticIps.ASSOCIATION, elasticIp == null ? "" : elasticIp.associationId());
    DeployAppResult deployed = new DeployAppResult(plan.actionId(), true, info, "",
        i.instanceId(), plan.vmName(), a.privateIp(), attributes, additional,
        InstanceDetails.of(i, plan.appName()));
    List<InstanceNetworkInterface> nics = InstanceDetails.ordered(i);
    List<ConnectToSubnetResult> results = new ArrayList<>();
    for (int n = 0; n < plan.nics().size(); n++) {
      DeployPlan.Nic nic = plan.nics().get(n);
      InstanceNetworkInterface eni = n < nics.size() ? nics.get(n) : null;
      results.add(eni == null
          ? new ConnectToSubnetResult(nic.action().actionId(), false, "",
              "instance " + i.instanceId() + " has no network interface " + n, "")
          : new ConnectToSubnetResult(nic.action().actionId(), true, "", "",
              interfaceJson(eni, n, elasticIp == null ? null : elasticIp.publicIp())));
    }
    return new DeployOutcome(deployed, results);
  }

  /** The ConnectToSubnet {@code interface}: the ENI as the AWS shell describes it. */
  private static String interfaceJson(InstanceNetworkInterface eni, int device,
      String elasticIp) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interface_id", eni.networkInterfaceId());
    m.put("IP", eni.privateIpAddress() == null ? "" : eni.privateIpAddress());
    String publicIp = InstanceDetails.publicIp(eni);
    m.put("Public IP", publicIp);
    // Known by what Deploy itself attached: who owns the address (ipOwnerId) reads differently
    // on EC2 and EC2-compatible clouds (moto names the account for any public IP).
    m.put("Elastic IP", elasticIp != null && elasticIp.equals(publicIp));
    m.put("MAC Address", eni.macAddress() == null ? "" : eni.macAddress());
    m.put("Device Index", device);
    try {
      return WireCodec.standard().mapper().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String owner(CommandScope scope) {
    String o = scope.sandbox() == null ? null : scope.sandbox().ownerUser();
    return o == null ? "" : o;
  }

  private static String blueprint(CommandScope scope) {
    String b = scope.sandbox() == null ? null : scope.sandbox().environmentName();
    return b == null ? "" : b.length() > 256 ? b.substring(0, 256) : b;
  }
}
