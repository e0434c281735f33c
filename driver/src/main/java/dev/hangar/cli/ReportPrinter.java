package dev.hangar.cli;

import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioRunner;
import java.io.PrintWriter;
import java.util.List;

/** Progress lines while a replay runs, and the summary table after it. */
final class ReportPrinter {
  private final PrintWriter out;

  ReportPrinter(PrintWriter out) {
    this.out = out;
  }

  void header(Scenario s) {
    out.println("== " + s.name() + " (" + s.steps().size() + " steps)");
    if (!s.description().isEmpty()) {
      out.println("   " + s.description());
    }
    out.flush();
  }

  void progress(Scenario s, ScenarioRunner.StepReport r) {
    out.printf("[%d/%d] %-24s %-40s %s (%d ms)%n", r.index(), s.steps().size(), r.command(),
        cut(r.name(), 40), r.passed() ? "PASS" : "FAIL", r.millis());
    for (String f : r.failures()) {
      out.println("        - " + cut(f, 220));
    }
    out.flush();
  }

  void summary(List<ScenarioRunner.Report> reports) {
    out.println();
    out.printf("%-34s %6s %6s %6s%n", "scenario", "steps", "passed", "failed");
    long steps = 0;
    long passed = 0;
    for (ScenarioRunner.Report r : reports) {
      out.printf("%-34s %6d %6d %6d%n", cut(r.scenario(), 34), r.steps().size(), r.passed(),
          r.steps().size() - r.passed());
      steps += r.steps().size();
      passed += r.passed();
    }
    out.printf("%-34s %6d %6d %6d%n", "total", steps, passed, steps - passed);
    out.flush();
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 3) + "...";
  }
}
