package dev.hangar.driver.aws;

import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxLease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.TagDescription;

/**
 * The AWS reaper: one DescribeTags of the region finds every object with Hangar's sandbox tag
 * and its expiry tag; a sandbox whose objects all carry an expiry, the latest past, is listed
 * object by object (the describes CleanupSandboxInfra makes) and removed whole by the same code
 * as CleanupSandboxInfra (instances first, the VPC last; "already gone"
 * is success, so two reapers at once do no harm). Deploy claims older than their stale limit go
 * too, whatever their sandbox ({@link #staleClaims}). Objects without the sandbox tag are never
 * seen, let alone touched.
 */
final class AwsReaper implements Reaper {
  private final Ec2Session s;

  AwsReaper(Ec2Session s) {
    this.s = s;
  }

  /** One tagged object. */
  private record Tagged(String type, String id, String sandbox, String expires) {}

  @Override
  public ReapReport reap(Instant now, boolean dryRun, CommandScope scope) {
    Map<String, List<Tagged>> bySandbox = sandboxes();
    List<Line> lines = new ArrayList<>();
    String region = s.settings().region();
    for (Map.Entry<String, List<Tagged>> e : bySandbox.entrySet()) {
      Optional<Instant> expiry = SandboxLease.sandboxExpiry(e.getValue().stream()
          .map(Tagged::expires).toList());
      if (expiry.isEmpty() || !expiry.get().isBefore(now)) {
        continue;
      }
      String sandbox = e.getKey();
      String why = "sandbox expired at " + expiry.get();
      List<Tagged> objects = live(sandbox, expiry.get().toString());
      if (objects.isEmpty()) {
        continue; // only tags of gone objects (terminated instances) left
      }
      if (dryRun) {
        objects.forEach(o -> lines.add(line(Outcome.WOULD_REMOVE, o, region, why, "")));
        continue;
      }
      scope.checkCancelled("reaping sandbox " + sandbox);
      String error;
      try {
        CleanupNetworkResult r = new SandboxCleanup(s).cleanup(new CleanupNetwork("reap-"
            + sandbox, null, List.of()), scope.forSandbox(sandbox));
        error = r.success() ? "" : r.errorMessage();
      } catch (HangarException ex) {
        error = ex.getMessage();
      }
      Outcome outcome = error.isEmpty() ? Outcome.REMOVED : Outcome.FAILED;
      for (Tagged o : objects) {
        lines.add(line(outcome, o, region, why, error));
      }
    }
    staleClaims(now, dryRun, lines);
    return new ReapReport(lines);
  }

  /**
   * The deploy claims ({@link Ec2DeployClaims}) older than the stale limit, whatever their
   * sandbox: each was left by a host that died in a Deploy. A claim holds nothing (no instance
   * uses its key pair), so removing it is always safe; a fresh one is a Deploy in flight and
   * stays.
   */
  private void staleClaims(Instant now, boolean dryRun, List<Line> lines) {
    String region = s.settings().region();
    for (KeyPairInfo k : new Ec2DeployClaims(s).list(null)) {
      Instant made = Ec2DeployClaims.seen(k).createdAt();
      if (!Ec2DeployClaims.stale(made, now, s.timeouts().claimStale())) {
        continue;
      }
      Tagged o = new Tagged("deploy-claim", k.keyName(), Tags.value(k.tags(), Tags.SANDBOX), "");
      String why = "deploy claim left since " + made;
      if (dryRun) {
        lines.add(line(Outcome.WOULD_REMOVE, o, region, why, ""));
        continue;
      }
      try {
        s.delete("delete deploy claim " + k.keyName(), () -> s.ec2().deleteKeyPair(q -> q
            .keyName(k.keyName())));
        lines.add(line(Outcome.REMOVED, o, region, why, ""));
      } catch (HangarException e) {
        lines.add(line(Outcome.FAILED, o, region, why, e.getMessage()));
      }
    }
  }

  /**
   * Every object of the region with Hangar's sandbox tag, by sandbox, with its expiry mark: one
   * paginated DescribeTags, whatever the kinds of objects.
   */
  private Map<String, List<Tagged>> sandboxes() {
    Map<String, Map<String, String>> byResource = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (TagDescription t : s.call("find Hangar's sandbox objects", () -> s.ec2()
        .describeTagsPaginator(q -> q.filters(Tags.filter("key", Tags.SANDBOX, Tags.EXPIRES)))
        .tags().stream().toList())) {
      byResource.computeIfAbsent(t.resourceId(), k -> new TreeMap<>()).put(t.key(), t.value());
      types.put(t.resourceId(), t.resourceTypeAsString());
    }
    Map<String, List<Tagged>> out = new TreeMap<>();
    byResource.forEach((id, tags) -> {
      String sandbox = tags.get(Tags.SANDBOX);
      if (sandbox != null && !sandbox.isEmpty()) {
        out.computeIfAbsent(sandbox, k -> new ArrayList<>()).add(new Tagged(types.get(id), id,
            sandbox, tags.getOrDefault(Tags.EXPIRES, "")));
      }
    });
    return out;
  }

  /**
   * The sandbox's objects as EC2 lists them now, in removal order (a tag can outlive its object
   * in EC2-compatible clouds, so DescribeTags alone is not the list): the instances not
   * terminated, then what CleanupSandboxInfra deletes after them. Volumes and attached interfaces
   * go with their instance and are not listed.
   */
  private List<Tagged> live(String sandbox, String expires) {
    var tag = Tags.sandbox(sandbox);
    List<Tagged> out = new ArrayList<>();
    java.util.function.BiConsumer<String, String> add = (type, id) -> out.add(new Tagged(type,
        id, sandbox, expires));
    new Instances(s).find("find the sandbox's instances", tag)
        .forEach(i -> add.accept("instance", i.instanceId()));
    s.call("find the sandbox's Elastic IPs", () -> s.ec2().describeAddresses(q -> q.filters(tag))
        .addresses()).forEach(a -> add.accept("elastic-ip", a.allocationId()));
    s.call("find the sandbox's network interfaces", () -> s.ec2().describeNetworkInterfaces(
        q -> q.filters(tag, Tags.filter("status", "available"))).networkInterfaces())
        .forEach(n -> add.accept("network-interface", n.networkInterfaceId()));
    s.call("find the sandbox's key pair", () -> s.ec2().describeKeyPairs(q -> q.filters(
        Tags.filter("key-name", SandboxKeys.keyName(sandbox)))).keyPairs()).stream()
        .filter(k -> sandbox.equals(Tags.value(k.tags(), Tags.SANDBOX)))
        .forEach(k -> add.accept("key-pair", k.keyName()));
    s.call("find the sandbox's security groups", () -> s.ec2().describeSecurityGroups(
        q -> q.filters(tag)).securityGroups()).forEach(g -> add.accept("security-group",
            g.groupId()));
    s.call("find the sandbox's subnets", () -> s.ec2().describeSubnets(q -> q.filters(tag))
        .subnets()).forEach(n -> add.accept("subnet", n.subnetId()));
    s.call("find the sandbox's route tables", () -> s.ec2().describeRouteTables(
        q -> q.filters(tag)).routeTables()).forEach(r -> add.accept("route-table",
            r.routeTableId()));
    s.call("find the sandbox's internet gateways", () -> s.ec2().describeInternetGateways(
        q -> q.filters(tag)).internetGateways()).forEach(g -> add.accept("internet-gateway",
            g.internetGatewayId()));
    s.call("find the sandbox's VPCs", () -> s.ec2().describeVpcs(q -> q.filters(tag)).vpcs())
        .forEach(v -> add.accept("vpc", v.vpcId()));
    return out;
  }

  /**
   * What CleanupSandboxInfra of {@code sandbox} would delete, listed as the reaper lists it (the
   * same describes, the same order); an instance takes its volumes and attached interfaces.
   */
  List<PlannedOperation> cleanupPlan(String sandbox) {
    String region = s.settings().region();
    return live(sandbox, "").stream().map(o -> new PlannedOperation(PlannedOperation.Op.DELETE,
        o.type(), "", o.id(), region, o.type().equals("instance")
        ? Map.of("with", "its volumes and attached network interfaces") : Map.of())).toList();
  }

  private static Line line(Outcome outcome, Tagged o, String region, String why,
      String error) {
    return new Line(outcome, o.type(), o.id(), region, o.sandbox(), why, error);
  }
}
