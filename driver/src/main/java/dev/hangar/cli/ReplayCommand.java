package dev.hangar.cli;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.replay.InProcessTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioException;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** {@code hangar replay SCENARIO.json...}: runs scenarios, checks expectations, prints a summary. */
@CommandLine.Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replays recorded multi-step scenarios in-process and checks their"
        + " expectations. Exit 0 when every step passed, 1 when one failed, 2 when a scenario"
        + " cannot be read.")
final class ReplayCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(arity = "1..*", paramLabel = "SCENARIO.json")
  List<Path> scenarios;

  @CommandLine.Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Sets a scenario variable (wins over the scenario's default).")
  Map<String, String> variables = new LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Scenario> loaded = new ArrayList<>();
    try {
      for (Path p : scenarios) {
        loaded.add(new ScenarioLoader().load(p));
      }
    } catch (ScenarioException e) {
      err.println("hangar replay: " + e.getMessage());
      return Main.USAGE;
    }
    try (BackendRegistry backends = BackendRegistry.loadInstalled()) {
      List<ScenarioRunner.Report> reports = replay(loaded, variables, backends, out, err);
      return reports.stream().allMatch(ScenarioRunner.Report::allPassed) ? Main.OK : Main.RAISED;
    }
  }

  static List<ScenarioRunner.Report> replay(List<Scenario> scenarios, Map<String, String> vars,
      BackendRegistry backends, PrintWriter out, PrintWriter err) {
    ReportPrinter printer = new ReportPrinter(out);
    List<ScenarioRunner.Report> reports = new ArrayList<>();
    for (Scenario s : scenarios) {
      printer.header(s);
      InProcessTransport transport = new InProcessTransport(backends, s.passwords(),
          new PrintWriterStream(err).stream());
      reports.add(new ScenarioRunner(transport).run(s, vars, r -> printer.progress(s, r)));
    }
    printer.summary(reports);
    return reports;
  }
}
