package dev.hangar.driver.aws;

import dev.hangar.driver.spi.CommandScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Instance reads and the bounded, cancellable waits on their state. EC2 is eventually
 * consistent: an instance just launched may be "not found" for a moment, which a wait for it to
 * run tolerates; a wait for termination takes "not found" as done.
 */
final class Instances {
  static final Set<InstanceStateName> LIVE = Set.of(InstanceStateName.PENDING,
      InstanceStateName.RUNNING, InstanceStateName.STOPPING, InstanceStateName.STOPPED);
  /** Filter values per DescribeInstances (EC2 takes up to 200). */
  private static final int BATCH = 100;
  private final Ec2Session s;

  Instances(Ec2Session s) {
    this.s = s;
  }

  /** The instance, or empty when EC2 does not know it (or it is terminated). */
  Optional<Instance> get(String instanceId) {
    try {
      return s.ec2().describeInstances(q -> q.instanceIds(instanceId)).reservations().stream()
          .flatMap(r -> r.instances().stream())
          .filter(i -> i.state() == null || i.state().name() != InstanceStateName.TERMINATED)
          .findFirst();
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        return Optional.empty();
      }
      throw Ec2Errors.wrap("read instance " + instanceId, e, s.settings());
    }
  }

  /**
   * The not-terminated instances of {@code ids} by id, read in one DescribeInstances per 100
   * ids. A filter, not InstanceIds: an id EC2 does not know is then missing from the answer
   * instead of failing the whole call.
   */
  Map<String, Instance> byIds(String what, Collection<String> ids) {
    Map<String, Instance> out = new HashMap<>();
    List<String> all = ids.stream().distinct().toList();
    for (int from = 0; from < all.size(); from += BATCH) {
      String[] part = all.subList(from, Math.min(all.size(), from + BATCH))
          .toArray(String[]::new);
      s.call(what, () -> s.ec2().describeInstancesPaginator(q -> q.filters(
          Tags.filter("instance-id", part))).reservations().stream()
          .flatMap(r -> r.instances().stream()).toList()).stream()
          .filter(i -> i.state() == null || i.state().name() != InstanceStateName.TERMINATED)
          .forEach(i -> out.put(i.instanceId(), i));
    }
    return out;
  }

  /** The not-terminated instances matching every filter. */
  List<Instance> find(String what, Filter... filters) {
    List<Filter> all = new ArrayList<>(List.of(filters));
    all.add(Tags.filter("instance-state-name", "pending", "running", "stopping", "stopped",
        "shutting-down"));
    return s.call(what, () -> s.ec2().describeInstancesPaginator(q -> q.filters(all))
        .reservations().stream().flatMap(r -> r.instances().stream()).toList());
  }

  /**
   * Waits until the instance is in {@code target}. {@code goneIsDone}: "not found" or terminated
   * ends the wait (a delete); otherwise "not found" is tolerated until the bound (a launch) and
   * termination is a failure.
   */
  Optional<Instance> await(String instanceId, InstanceStateName target, boolean goneIsDone,
      Duration bound, CommandScope scope) {
    long deadline = s.deadline(bound);
    String last = "";
    for (int attempt = 0; ; attempt++) {
      Instance i = null;
      try {
        i = s.ec2().describeInstances(q -> q.instanceIds(instanceId)).reservations().stream()
            .flatMap(r -> r.instances().stream()).findFirst().orElse(null);
      } catch (SdkException e) {
        if (!Ec2Errors.notFound(e)) {
          throw Ec2Errors.wrap("read instance " + instanceId, e, s.settings());
        }
      }
      InstanceStateName state = i == null || i.state() == null ? null : i.state().name();
      if (state == target) {
        return Optional.of(i);
      }
      if (i == null || state == InstanceStateName.TERMINATED) {
        if (goneIsDone) {
          return Optional.empty();
        }
        if (state == InstanceStateName.TERMINATED) {
          String why = i.stateReason() == null ? "" : ": " + i.stateReason().message();
          throw dev.hangar.driver.BackendException.failed("instance " + instanceId
              + " was terminated while waiting for it to be " + target + why, null);
        }
        last = "not visible yet";
      } else {
        last = state.toString();
      }
      if (s.now() >= deadline) {
        throw Ec2Session.timedOut("instance " + instanceId + " becoming " + target, bound, last);
      }
      s.pause(scope, "instance " + instanceId + " becoming " + target, attempt);
    }
  }

  /** Terminates instances and waits until every one is gone; already gone is success. */
  void terminateAndWait(Collection<String> ids, CommandScope scope) {
    if (ids.isEmpty()) {
      return;
    }
    s.delete("terminate " + String.join(", ", ids), () -> s.ec2().terminateInstances(q -> q
        .instanceIds(ids)));
    for (String id : ids) {
      await(id, InstanceStateName.TERMINATED, true, s.timeouts().terminated(), scope);
    }
  }
}
