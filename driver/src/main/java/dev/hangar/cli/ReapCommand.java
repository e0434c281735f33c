package dev.hangar.cli;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar reap [--dry-run] --context CTX.json}: removes what expired sandboxes left in the
 * cloud the context's provider resource reaches, and prints one line per object.
 */
@CommandLine.Command(name = "reap", mixinStandardHelpOptions = true,
    description = "Finds, by Hangar's marks, the objects of expired sandboxes on every hypervisor"
        + " (KVM) or in the region (AWS) of the context's cloud provider and removes them in"
        + " dependency order; prints one tab-separated line per object: outcome, kind, id,"
        + " where, sandbox, why. Exit 0 when nothing failed, 1 when something could not be"
        + " removed or searched, 2 for bad usage.")
final class ReapCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The context names the cloud provider resource (a reservation in it is ignored). */
  @CommandLine.Mixin
  InputOptions inputs = new InputOptions();

  @CommandLine.Option(names = "--dry-run",
      description = "Report what would be removed; change nothing.")
  boolean dryRun;

  @CommandLine.Option(names = "--as-of", paramLabel = "INSTANT",
      description = "Reap what has expired by this time (ISO-8601, e.g. 2026-12-08T00:00:00Z)"
          + " instead of now; with --dry-run, what will have expired by then.")
  String asOf;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant now;
    try {
      now = asOf == null ? Instant.now() : Instant.parse(asOf);
    } catch (DateTimeParseException e) {
      err.println("hangar reap: --as-of must be an ISO-8601 instant like 2026-12-08T00:00:00Z");
      return Main.USAGE;
    }
    String contextJson;
    try {
      contextJson = inputs.context();
    } catch (IOException e) {
      err.println("hangar reap: " + e.getMessage());
      return Main.USAGE;
    }
    RecordingOrchestratorApi api = new RecordingOrchestratorApi(Map.of(), new PrintWriterStream(
        err).stream());
    try (EmbeddedDefault embedded = EmbeddedDefault.onFirstUse(err::println);
        BackendRegistry backends = embedded.registry()) {
      ReapReport report = new SandboxReaping(backends, c -> api).reap(contextJson, dryRun, now,
          CancellationContext.NONE);
      report.lines().forEach(l -> out.println(l.format()));
      err.println("hangar reap: " + summary(report, dryRun));
      return report.clean() ? Main.OK : Main.RAISED;
    } catch (HangarException e) {
      err.println("hangar reap: failed: " + e.getMessage());
      return Main.RAISED;
    }
  }

  static String summary(ReapReport report, boolean dryRun) {
    Map<ReapReport.Outcome, Long> n = new java.util.EnumMap<>(ReapReport.Outcome.class);
    report.lines().forEach(l -> n.merge(l.outcome(), 1L, Long::sum));
    long sandboxes = report.lines().stream().map(ReapReport.Line::sandbox)
        .filter(s -> !s.isEmpty()).distinct().count();
    if (report.lines().isEmpty()) {
      return "no expired sandbox found";
    }
    return (dryRun ? n.getOrDefault(ReapReport.Outcome.WOULD_REMOVE, 0L) + " object(s) would be"
        + " removed" : n.getOrDefault(ReapReport.Outcome.REMOVED, 0L) + " object(s) removed, "
        + n.getOrDefault(ReapReport.Outcome.ALREADY_GONE, 0L) + " already gone")
        + ", " + n.getOrDefault(ReapReport.Outcome.FAILED, 0L) + " failed, of " + sandboxes
        + " expired sandbox(es)";
  }
}
