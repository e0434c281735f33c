package dev.hangar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar plan COMMAND --context CTX.json --request REQ.json [--text]}: what the command
 * would do, changing nothing, as JSON (or a table).
 */
@CommandLine.Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Prints what a command would do without changing anything: one entry per"
        + " action, each a list of operations (create, update, delete, exists; kind, name, id,"
        + " where, details) or the action's error. Exit 0 when the plan was made (per-action"
        + " errors are in it), 1 when it could not be, 2 for bad usage.")
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "COMMAND",
      description = "The command to plan: Deploy, ApplyConnectivityChanges, CleanupSandboxInfra.")
  String commandName;

  @CommandLine.Option(names = "--context", required = true, paramLabel = "CTX.json",
      description = "The command's context (as for hangar call); - for stdin.")
  String context;

  @CommandLine.Option(names = "--request", required = true, paramLabel = "REQ.json",
      description = "The command's request JSON; - for stdin.")
  String request;

  @CommandLine.Option(names = "--text",
      description = "A table (action, op, kind, name, where) instead of JSON.")
  boolean text;

  @CommandLine.Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Sets a variable of the inputs' $${NAME} placeholders.")
  Map<String, String> variables = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Command command = Command.byStandardName(commandName).orElse(null);
    if (command == null) {
      err.println("hangar plan: unknown command '" + commandName + "'; one of "
          + Command.standardNames());
      return Main.USAGE;
    }
    String contextJson;
    String requestJson;
    try {
      contextJson = Inputs.substitute(Inputs.readJson(context, "context"), variables, "context");
      requestJson = Inputs.substitute(Inputs.readJson(request, "request"), variables, "request");
    } catch (IOException e) {
      err.println("hangar plan: " + e.getMessage());
      return Main.USAGE;
    }
    RecordingOrchestratorApi api = new RecordingOrchestratorApi(Map.of(), new PrintWriterStream(
        err).stream());
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
