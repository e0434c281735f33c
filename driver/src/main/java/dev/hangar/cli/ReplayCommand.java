package dev.hangar.cli;

import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.HostClient;
import dev.hangar.replay.HostTransport;
import dev.hangar.replay.InProcessTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioException;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.replay.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar replay SCENARIO.json... [--target HOST:PORT]}: runs scenarios (in-process, or
 * through a sandbox host), checks expectations, prints a summary.
 */
@CommandLine.Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replays recorded multi-step scenarios (in-process, or through a sandbox host"
        + " with --target, serving the orchestrator callbacks itself) and checks their"
        + " expectations. Exit 0 when every step passed, 1 when one failed, 2 when a scenario"
        + " cannot be read.")
final class ReplayCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @CommandLine.Parameters(arity = "1..*", paramLabel = "SCENARIO.json")
  List<Path> scenarios;

  @CommandLine.Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Sets a scenario variable (wins over the scenario's default).")
  Map<String, String> variables = new LinkedHashMap<>();

  @CommandLine.Mixin
  HostOptions host = new HostOptions();

  /** Opens the transport a scenario runs on. */
  @FunctionalInterface
  interface Transports {
    Transport open(Scenario s) throws IOException;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (host.problem() != null) {
      err.println("hangar replay: " + host.problem());
      return Main.USAGE;
    }
    List<Scenario> loaded = new ArrayList<>();
    try {
      for (Path p : scenarios) {
        loaded.add(new ScenarioLoader().load(p));
      }
    } catch (ScenarioException e) {
      err.println("hangar replay: " + e.getMessage());
      return Main.USAGE;
    }
    PrintStream sandboxOutput = new PrintWriterStream(err).stream();
    List<ScenarioRunner.Report> reports;
    try {
      if (host.remote()) {
        try (HostClient client = host.connect(main.env())) {
          reports = replay(loaded, variables, s -> HostTransport.start(client,
              host.callbackAddress(), s.passwords(), sandboxOutput, host.deadline()), out);
        }
      } else {
        try (EmbeddedDefault embedded = EmbeddedDefault.onFirstUse(err::println);
            BackendRegistry backends = embedded.registry()) {
          reports = replay(loaded, variables,
              s -> new InProcessTransport(backends, s.passwords(), sandboxOutput), out);
        }
      }
    } catch (IOException e) {
      err.println("hangar replay: " + e.getMessage());
      return Main.USAGE;
    }
    return reports.stream().allMatch(ScenarioRunner.Report::allPassed) ? Main.OK : Main.RAISED;
  }

  static List<ScenarioRunner.Report> replay(List<Scenario> scenarios, Map<String, String> vars,
      Transports transports, PrintWriter out) throws IOException {
    ReportPrinter printer = new ReportPrinter(out);
    List<ScenarioRunner.Report> reports = new ArrayList<>();
    for (Scenario s : scenarios) {
      printer.header(s);
      try (Transport transport = transports.open(s)) {
        reports.add(new ScenarioRunner(transport).run(s, vars, r -> printer.progress(s, r)));
      }
    }
    printer.summary(reports);
    return reports;
  }
}
