package dev.hangar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar plan COMMAND --context CTX.json --request REQ.json [--text] [--target HOST:PORT]}:
 * what the command would do, changing nothing, as JSON (or a table); in-process, or through a
 * sandbox host's Plan RPC with the same output and exit codes.
 */
@CommandLine.Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Prints what a command would do without changing anything: one entry per"
        + " action, each a list of operations (create, update, delete, exists; kind, name, id,"
        + " where, details) or the action's error. In-process, or on a sandbox host with"
        + " --target. Exit 0 when the plan was made (per-action errors are in it), 1 when it"
        + " could not be, 2 for bad usage.")
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @CommandLine.Mixin
  HostOptions host = new HostOptions();

  @CommandLine.Mixin
  InputOptions inputs = new InputOptions();

  @CommandLine.Parameters(index = "0", paramLabel = "COMMAND",
      description = "The command to plan: Deploy, ApplyConnectivityChanges, CleanupSandboxInfra.")
  String commandName;

  @CommandLine.Option(names = "--request", required = true, paramLabel = "REQ.json",
      description = "The command's request JSON; - for stdin.")
  String request;

  @CommandLine.Option(names = "--text",
      description = "A table (action, op, kind, name, where) instead of JSON.")
  boolean text;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Command command = InputOptions.command(commandName, "plan", err);
    if (command == null) {
      return Main.USAGE;
    }
    InputOptions.Opened in = inputs.open("plan", host, request, err).orElse(null);
    if (in == null) {
      return Main.USAGE;
    }
    String contextJson = in.context();
    String requestJson = in.request();
    RecordingOrchestratorApi api = in.api();
    if (host.remote()) {
      return host.run("plan", command.standardName() + ": ", contextJson, api, main.env(), err,
          (client, context) -> client.plan(command.standardName(), context, requestJson,
              host.deadline()), plan -> out.println(text ? table(plan) : plan));
    }
    try (EmbeddedDefault embedded = EmbeddedDefault.onFirstUse(err::println);
        BackendRegistry backends = embedded.registry()) {
      String plan = new CommandPlanning(backends, c -> api).plan(command, contextJson,
          requestJson);
      out.println(text ? table(plan) : plan);
      return Main.OK;
    } catch (HangarException e) {
      err.println("hangar plan: " + command.standardName() + ": " + e.getMessage());
      return Main.RAISED;
    }
  }

  /** One line per operation, and one per failed action; columns as wide as their values. */
  static String table(String planJson) {
    JsonNode plan = WireCodec.standard().readTree(planJson, "plan");
    java.util.List<String[]> rows = new java.util.ArrayList<>();
    rows.add(new String[] {"action", "op", "kind", "name", "where"});
    for (JsonNode entry : plan.path("plan")) {
      String action = entry.path("actionId").asText();
      if (!entry.path("success").asBoolean()) {
        rows.add(new String[] {action, "error", "", entry.path("error").asText(), ""});
        continue;
      }
      for (JsonNode op : entry.path("operations")) {
        String name = op.path("name").asText();
        if (!op.path("id").asText().isEmpty()) {
          name += " (" + op.path("id").asText() + ")";
        }
        rows.add(new String[] {action, op.path("op").asText(), op.path("kind").asText(), name,
            op.path("where").asText()});
      }
    }
    int[] width = new int[5];
    rows.forEach(r -> {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    });
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString().stripTrailing();
  }
}
