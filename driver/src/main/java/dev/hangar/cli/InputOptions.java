package dev.hangar.cli;

import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The inputs {@code call}, {@code plan} and {@code reap} share: the context file and the
 * variables of the inputs' placeholders, read the same way (a file or stdin, checked JSON,
 * placeholders filled, an unresolved one a usage error).
 */
final class InputOptions {
  @CommandLine.Option(names = "--context", required = true, paramLabel = "CTX.json",
      description = "The command context (CloudShell's driver context field names); - for stdin.")
  String context;

  @CommandLine.Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Sets a variable: the inputs' $${NAME} and $${NAME:-default} placeholders"
          + " take their values from these (the samples use them for ids of earlier steps).")
  Map<String, String> variables = new LinkedHashMap<>();

  /** The context JSON, placeholders filled. */
  String context() throws IOException {
    return Inputs.substitute(Inputs.readJson(context, "context"), variables, "context");
  }

  /** The request JSON of {@code source} (a file or "-"), placeholders filled; null for null. */
  String request(String source) throws IOException {
    return source == null ? null
        : Inputs.substitute(Inputs.readJson(source, "request"), variables, "request");
  }

  /**
   * What {@code call} and {@code plan} have once their options are checked and their inputs
   * read: the context and request JSON, placeholders filled (the request null without one), and
   * the orchestrator API that answers the command's callbacks, printing on stderr.
   */
  record Opened(String context, String request, RecordingOrchestratorApi api) {}

  /**
   * Checks {@code host}'s options, reads the context and the request of {@code requestSource}
   * (null: none) and opens an orchestrator API on {@code err}; empty after printing the usage
   * error ({@code hangar VERB: ...}) when an option is bad or an input unreadable.
   */
  Optional<Opened> open(String verb, HostOptions host, String requestSource, PrintWriter err) {
    if (host.problem() != null) {
      err.println("hangar " + verb + ": " + host.problem());
      return Optional.empty();
    }
    String contextJson;
    String requestJson;
    try {
      contextJson = context();
      requestJson = request(requestSource);
    } catch (IOException e) {
      err.println("hangar " + verb + ": " + e.getMessage());
      return Optional.empty();
    }
    return Optional.of(new Opened(contextJson, requestJson, new RecordingOrchestratorApi(
        Map.of(), new PrintWriterStream(err).stream())));
  }

  /**
   * The command named on the command line, or null after printing the usage error
   * ({@code hangar VERB: unknown command 'X'; one of ...}).
   */
  static Command command(String name, String verb, PrintWriter err) {
    Command command = Command.byStandardName(name).orElse(null);
    if (command == null) {
      err.println("hangar " + verb + ": unknown command '" + name + "'; one of "
          + Command.standardNames());
    }
    return command;
  }
}
