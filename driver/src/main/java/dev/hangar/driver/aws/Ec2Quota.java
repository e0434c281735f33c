package dev.hangar.driver.aws;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Quotas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

/**
 * The provider's {@code Quotas} at an AWS Deploy (VMs, vCPUs, RAM, public IPs per owner domain
 * and per reservation), counted from EC2 by the tags RunInstances itself sets (sandbox, owner
 * domain, {@link Tags#PUBLIC_IPS}), never from this process's memory, so several sandbox hosts
 * enforce the same limits. vCPUs and RAM are the instance types' (DescribeInstanceTypes), so a
 * type changed later is counted as it is now.
 *
 * <p>No lock, and EC2's DescribeInstances is eventually consistent, so the count relies on an
 * order every deployer agrees on: instances by launch time (EC2's, one-second resolution), then
 * instance id. A Deploy keeps its instance only when the use of the instances up to and
 * including it, in that order, is within every limit, and terminates it otherwise. It counts
 * twice: right after RunInstances (an early refusal) and again once the instance runs and at
 * least {@link AwsTimeouts#quotaSettle()} after its launch. By then every instance ordered before
 * it has been launched (its launch time is not later, so it was made at most a second after) and
 * shows in DescribeInstances, so the second count sees each of them still there. Of the instances
 * kept, the last in the order saw all the others: their sum is within the limits. An instance
 * ordered before others keeps its place (first launched, first served); one that gives way is
 * still counted by the others until it is terminated, which errs towards refusing.
 */
final class Ec2Quota {
  /** The order every deployer agrees on: launch time, then instance id. */
  private static final Comparator<Instance> ORDER = Comparator.comparing(
      (Instance i) -> i.launchTime() == null ? Instant.MAX : i.launchTime())
      .thenComparing(Instance::instanceId);
  private final Ec2Session s;
  private final Quotas quotas;
  private final Map<String, InstanceTypeInfo> types = new HashMap<>();

  Ec2Quota(Ec2Session s, Quotas quotas) {
    this.s = s;
    this.quotas = quotas;
  }

  /** True when nothing is limited: Deploy then counts nothing. */
  boolean isEmpty() {
    return quotas.isEmpty();
  }

  /**
   * Counts the scopes of {@code mine} (the sandbox's reservation and the command's owner domain)
   * and refuses it when the instances up to it in the launch order exceed a limit.
   *
   * @param mine the instance this Deploy launched (or found from an earlier attempt)
   * @throws ClientException naming the quota, its use and its limit
   */
  void check(Instance mine, String reservation, CommandScope scope) {
    if (quotas.isEmpty()) {
      return;
    }
    String domain = s.ownerDomain();
    for (String scopeName : Quotas.SCOPES) {
      String who = scopeName.equals("domain") ? domain : reservation;
      if (who.isEmpty() || !limits(scopeName)) {
        continue;
      }
      scope.checkCancelled("counting the quotas");
      String tag = scopeName.equals("domain") ? Tags.DOMAIN : Tags.SANDBOX;
      List<Instance> ordered = live(new Instances(s).find("count the instances of " + scopeName
          + " '" + who + "' for the quotas", Tags.tag(tag, who)), mine);
      String over = quotas.exceeded(scopeName, who, useUpTo(ordered, mine.instanceId(),
          scopeName));
      if (over != null) {
        throw new ClientException(over + "; delete apps or ask your admin to raise 'Quotas'"
            + " (apps launched before this one keep their places)");
      }
    }
  }

  /** Waits until {@code settle} has passed since {@code launchedAt} (a {@link Ec2Session#now}). */
  void settle(long launchedAt, CommandScope scope) {
    if (quotas.isEmpty()) {
      return;
    }
    long left = launchedAt + s.timeouts().quotaSettle().toNanos() - s.now();
    if (left <= 0) {
      return;
    }
    scope.checkCancelled("waiting to count the quotas again");
    try {
      s.timeouts().sleeper().sleep(Duration.ofNanos(left));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandCancelledException("interrupted while waiting to count the quotas");
    }
  }

  /**
   * The exceeded quota's message if {@code extra} were added to the scope's {@code live}
   * instances now, or null: the plan's answer to "would this Deploy be refused" (a Deploy
   * launched now is last in the launch order, so it counts every live instance).
   */
  String exceededWith(String scopeName, String who, List<Instance> live,
      Map<String, Long> extra) {
    Map<String, Long> use = new HashMap<>(extra);
    for (Instance i : live) {
      measures(i, scopeName).forEach((k, v) -> use.merge(k, v, Long::sum));
    }
    return quotas.exceeded(scopeName, who, use);
  }

  /** Whether any limit of this scope is set. */
  boolean limits(String scopeName) {
    return quotas.limits().keySet().stream().anyMatch(k -> k.startsWith(scopeName + "."));
  }

  /**
   * The instances holding resources, {@code mine} among them (EC2 may not show it yet), ordered.
   */
  private static List<Instance> live(List<Instance> found, Instance mine) {
    List<Instance> out = new ArrayList<>(found.stream().filter(i -> i.state() == null
        || Instances.LIVE.contains(i.state().name())).toList());
    if (out.stream().noneMatch(i -> i.instanceId().equals(mine.instanceId()))) {
      out.add(mine);
    }
    out.sort(ORDER);
    return out;
  }

  private Map<String, Long> useUpTo(List<Instance> ordered, String mine, String scopeName) {
    Map<String, Long> use = new HashMap<>();
    for (Instance i : ordered) {
      measures(i, scopeName).forEach((k, v) -> use.merge(k, v, Long::sum));
      if (i.instanceId().equals(mine)) {
        break;
      }
    }
    return use;
  }

  /** What one instance counts; vCPUs and RAM only when this scope limits them. */
  Map<String, Long> measures(Instance i, String scopeName) {
    Map<String, Long> m = new HashMap<>();
    m.put("vms", 1L);
    m.put("public-ips", publicIps(i));
    if (quotas.limits().containsKey(scopeName + ".vcpus")
        || quotas.limits().containsKey(scopeName + ".ram")) {
      InstanceTypeInfo t = type(i.instanceTypeAsString());
      m.put("vcpus", (long) t.vCpuInfo().defaultVCpus());
      m.put("ram", t.memoryInfo().sizeInMiB());
    }
    return m;
  }

  /**
   * The public IPs an instance holds: its {@link Tags#PUBLIC_IPS} (what Deploy gives it, set at
   * launch, so it counts before the address is attached), else the public addresses it shows.
   */
  static long publicIps(Instance i) {
    String tagged = Tags.value(i.tags(), Tags.PUBLIC_IPS);
    if (tagged.matches("\\d{1,3}")) {
      return Long.parseLong(tagged);
    }
    long n = 0;
    for (InstanceNetworkInterface eni : i.networkInterfaces()) {
      if (!InstanceDetails.publicIp(eni).isEmpty()) {
        n++;
      }
    }
    return n;
  }

  /** The instance type's vCPUs and memory, read once per type and command. */
  InstanceTypeInfo type(String name) {
    InstanceTypeInfo known = types.get(name);
    if (known != null) {
      return known;
    }
    Set<String> wanted = new TreeSet<>(List.of(name));
    s.call("read instance type " + name + " for the quotas", () -> s.ec2()
        .describeInstanceTypes(q -> q.instanceTypesWithStrings(wanted)).instanceTypes())
        .forEach(t -> types.put(t.instanceTypeAsString(), t));
    InstanceTypeInfo t = types.get(name);
    if (t == null || t.vCpuInfo() == null || t.memoryInfo() == null) {
      throw BackendException.failed("cannot count the quotas: EC2 in region "
          + s.settings().region() + " does not describe instance type " + name, null);
    }
    return t;
  }
}
