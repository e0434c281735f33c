package dev.hangar.driver.aws;

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
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.TagDescription;

/**
 * The AWS reaper: one DescribeTags of the region finds every object with Hangar's sandbox tag
 * and its expiry tag; a sandbox whose objects all carry an expiry, the latest past, is removed
 * whole by the same code as CleanupSandboxInfra (instances first, the VPC last; "already gone"
 * is success, so two reapers at once do no harm). Objects without the sandbox tag are never
 * seen, let alone touched.
 */
final class AwsReaper implements Reaper {
  /** The report's order: CleanupSandboxInfra's dependency order. */
  private static final List<String> ORDER = List.of("instance", "elastic-ip",
      "network-interface", "key-pair", "security-group", "subnet", "route-table",
      "internet-gateway", "vpc");
  /** Removed with their instance (deleteOnTermination): not reported on their own. */
  private static final Set<String> WITH_INSTANCE = Set.of("volume");

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
      List<Tagged> objects = live(e.getValue());
      if (objects.isEmpty()) {
        continue; // only terminated instances left, which EC2 forgets by itself
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
    return new ReapReport(lines);
  }

  /** Every object of the region with Hangar's sandbox tag, by sandbox, with its expiry mark. */
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

  /** The objects to report, in removal order: terminated instances and volumes left out. */
  private List<Tagged> live(List<Tagged> all) {
    List<String> instanceIds = all.stream().filter(o -> "instance".equals(o.type()))
        .map(Tagged::id).toList();
    Set<String> running = instanceIds.isEmpty() ? Set.of()
        : new Instances(s).byIds("read the sandbox's instances", instanceIds).keySet();
    List<Tagged> out = new ArrayList<>();
    for (Tagged o : all) {
      if (WITH_INSTANCE.contains(o.type())
          || ("instance".equals(o.type()) && !running.contains(o.id()))) {
        continue;
      }
      out.add(o);
    }
    out.sort((a, b) -> Integer.compare(rank(a.type()), rank(b.type())));
    return out;
  }

  private static int rank(String type) {
    int i = ORDER.indexOf(type);
    return i < 0 ? ORDER.size() : i;
  }

  private static Line line(Outcome outcome, Tagged o, String region, String why,
      String error) {
    return new Line(outcome, o.type(), o.id(), region, o.sandbox(), why, error);
  }
}
