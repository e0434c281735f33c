package dev.hangar.driver.aws;

import dev.hangar.host.CallAttempts;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a {@link HostKillLoad} run did: every call with its attempts, the kills, the instances
 * EC2 holds per Deploy actionId and what EC2 held afterwards that it had not before.
 *
 * @param claimWaits Deploy attempts that found another attempt's claim on their action and waited
 * @param takeovers Deploy attempts that took over a claim as stale (its holder's host died
 *     between the claim and the launch)
 * @param instancesPerAction instances (any state) by the actionId that made them
 * @param expectedInstances one per app of every sandbox
 * @param left what EC2 holds after the run that it did not hold before, by kind
 */
public record HostKillReport(HostKillLoad.Config config, long wallNanos,
    List<CallAttempts.Call> calls, List<String> failures, int kills, int claimWaits,
    int takeovers, Map<String, Integer> instancesPerAction, int expectedInstances,
    Map<String, Set<String>> left) {

  /** Calls of which an attempt failed UNAVAILABLE (a killed host's, or one it refused). */
  public List<CallAttempts.Call> sawUnavailable() {
    return calls.stream().filter(CallAttempts.Call::sawUnavailable).toList();
  }

  /** Attempts, over all calls, that failed UNAVAILABLE. */
  public long unavailableAttempts() {
    return calls.stream().flatMap(c -> c.attempts().stream())
        .filter(Status.Code.UNAVAILABLE::equals).count();
  }

  /** Calls whose final status was not OK. */
  public List<CallAttempts.Call> failedCalls() {
    return calls.stream().filter(c -> c.outcome() != Status.Code.OK).toList();
  }

  /** Deploy actionIds with more than one instance. */
  public Map<String, Integer> duplicates() {
    Map<String, Integer> d = new TreeMap<>();
    instancesPerAction.forEach((k, v) -> {
      if (v > 1) {
        d.put(k, v);
      }
    });
    return d;
  }

  /** Commands (calls) per second over the whole run. */
  public double callsPerSecond() {
    return calls.size() / (wallNanos / 1e9);
  }

  /** Every command succeeded, one instance per app and none twice, nothing left in EC2. */
  public boolean clean() {
    return failures.isEmpty() && failedCalls().isEmpty() && duplicates().isEmpty()
        && instancesPerAction.size() == expectedInstances && left.isEmpty();
  }

  /** This run as a table, then any failure, duplicate or leftover. */
  public String format() {
    return sideBySide(List.of(this));
  }

  /**
   * Runs of the same load in one table, a column each (the first is the baseline of the
   * ratio), then any failure, duplicate or leftover.
   */
  public static String sideBySide(List<HostKillReport> runs) {
    HostKillReport first = runs.get(0);
    StringBuilder b = new StringBuilder();
    b.append(String.format("AWS sandboxes on moto through hangar serve processes: %d sandboxes"
        + " x %d apps, %d at a time, over %d regions%n", first.config().sandboxes(),
        first.config().apps(), first.config().parallel(), first.config().regions()));
    row(b, "", runs, HostKillReport::label);
    row(b, "commands", runs, r -> r.calls().size());
    row(b, "wall time", runs, r -> String.format("%.1f s", r.wallNanos() / 1e9));
    row(b, "commands/s", runs, r -> String.format("%.1f", r.callsPerSecond()));
    row(b, "ratio to the first column", runs, r -> String.format("%.2fx",
        r.callsPerSecond() / first.callsPerSecond()));
    row(b, "hosts killed -9 and restarted", runs, HostKillReport::kills);
    row(b, "attempts failed UNAVAILABLE", runs, HostKillReport::unavailableAttempts);
    row(b, "commands that saw one (retried)", runs, r -> r.sawUnavailable().size());
    row(b, "... of which succeeded", runs, r -> r.sawUnavailable().stream()
        .filter(c -> c.outcome() == Status.Code.OK).count());
    row(b, "most attempts of one command", runs, r -> r.calls().stream()
        .mapToInt(c -> c.attempts().size()).max().orElse(0));
    row(b, "commands failed in the end", runs, r -> r.failedCalls().size());
    row(b, "Deploys that waited on a claim", runs, HostKillReport::claimWaits);
    row(b, "... claims taken over as stale", runs, HostKillReport::takeovers);
    row(b, "instances made (expected)", runs, r -> r.instancesPerAction().values().stream()
        .mapToInt(Integer::intValue).sum() + " (" + r.expectedInstances() + ")");
    row(b, "actionIds with two instances", runs, r -> r.duplicates().size());
    row(b, "objects left in EC2", runs, r -> r.left().values().stream()
        .mapToInt(Set::size).sum());
    row(b, "clean", runs, HostKillReport::clean);
    for (HostKillReport r : runs) {
      if (!r.sawUnavailable().isEmpty()) {
        b.append(label(r)).append(": retried commands by RPC ").append(byMethod(r))
            .append('\n');
      }
      r.failures().stream().limit(20).forEach(x -> b.append(label(r)).append(": ").append(x)
          .append('\n'));
      if (!r.duplicates().isEmpty()) {
        b.append(label(r)).append(": duplicated ").append(r.duplicates()).append('\n');
      }
      if (!r.left().isEmpty()) {
        b.append(label(r)).append(": left ").append(r.left()).append('\n');
      }
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, List<HostKillReport> runs,
      Function<HostKillReport, Object> cell) {
    b.append(String.format("%-34s", name));
    runs.forEach(r -> b.append(String.format(" %18s", cell.apply(r))));
    b.append('\n');
  }

  private static String label(HostKillReport r) {
    return r.config().label();
  }

  private static Map<String, Long> byMethod(HostKillReport r) {
    Map<String, Long> m = new TreeMap<>();
    r.sawUnavailable().forEach(c -> m.merge(c.method().substring(c.method().indexOf('/') + 1),
        1L, Long::sum));
    return m;
  }
}
