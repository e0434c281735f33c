package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.ApiCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs a scenario's steps in order and checks each step's expectations. */
public final class ScenarioRunner {
  private final Transport transport;
  private final ObjectMapper mapper = WireCodec.standard().mapper();

  public ScenarioRunner(Transport transport) {
    this.transport = transport;
  }

  /** The verdict on one step. */
  public record StepReport(int index, String name, String command, boolean passed, long millis,
      List<String> failures) {}

  /** The verdicts on a scenario's steps. */
  public record Report(String scenario, List<StepReport> steps) {
    public long passed() {
      return steps.stream().filter(StepReport::passed).count();
    }

    public boolean allPassed() {
      return passed() == steps.size();
    }
  }

  /**
   * @param overrides variables that win over the scenario's defaults
   * @param progress told about each step as it finishes
   */
  public Report run(Scenario scenario, Map<String, String> overrides,
      Consumer<StepReport> progress) {
    Map<String, String> vars = new HashMap<>(scenario.variables());
    vars.putAll(overrides);
    List<StepReport> reports = new ArrayList<>();
    int index = 0;
    for (Scenario.Step step : scenario.steps()) {
      index++;
      long start = System.nanoTime();
      List<String> failures = runStep(step, vars);
      StepReport r = new StepReport(index, step.name(), step.command(), failures.isEmpty(),
          (System.nanoTime() - start) / 1_000_000, failures);
      reports.add(r);
      progress.accept(r);
    }
    return new Report(scenario.name(), reports);
  }

  private List<String> runStep(Scenario.Step step, Map<String, String> vars) {
    List<String> failures = new ArrayList<>();
    Variables.Substituted context = Variables.substitute(step.context(), vars, mapper);
    Variables.Substituted request = Variables.substitute(step.request(), vars, mapper);
    Variables.Substituted params = Variables.substitute(step.parameters(), vars, mapper);
    if (!context.unresolved().isEmpty() || !request.unresolved().isEmpty()
        || !params.unresolved().isEmpty()) {
      List<String> missing = new ArrayList<>(context.unresolved());
      missing.addAll(request.unresolved());
      missing.addAll(params.unresolved());
      failures.add("not run: unresolved " + missing + " (an earlier step that saves them failed?)");
      return failures;
    }
    Command command = Command.byStandardName(step.command()).orElseThrow();
    transport.clearCalls();
    Map<String, String> parameters = new java.util.LinkedHashMap<>();
    if (params.node() != null) {
      params.node().fields().forEachRemaining(f -> parameters.put(f.getKey(),
          f.getValue().asText()));
    }
    Transport.Outcome outcome = transport.execute(command, write(context.node()),
        request.node() == null ? null : write(request.node()), parameters);
    Scenario.Expectation e = step.expect();
    if (outcome.raised()) {
      if (!e.raises()) {
        failures.add("raised: " + outcome.error());
      } else if (e.errorContains() != null && !outcome.error().contains(e.errorContains())) {
        failures.add("error '" + outcome.error() + "' does not contain '" + e.errorContains()
            + "'");
      }
      return failures;
    }
    if (e.raises()) {
      failures.add("expected an error, but the command returned");
    }
    // remote_save_snapshot answers the snapshot's path as plain text, as vCenter's shell does:
    // a text node, which the pointer "" reads (expect {"json":{"":"base"}}, save {"snap":""}).
    JsonNode response = command == Command.REMOTE_SAVE_SNAPSHOT && outcome.response() != null
        ? mapper.getNodeFactory().textNode(outcome.response())
        : parse(outcome.response(), failures);
    Expectations.check(response, withVariables(e, vars, failures), transport.calls(), failures);
    for (Map.Entry<String, String> save : step.save().entrySet()) {
      JsonNode v = response == null ? null : response.at(save.getValue());
      if (v == null || v.isMissingNode() || v.isNull() || v.asText().isEmpty()) {
        failures.add("nothing to save as " + save.getKey() + " at " + save.getValue());
      } else {
        vars.put(save.getKey(), v.asText());
      }
    }
    return failures;
  }

  /** Expected values may name variables saved by earlier steps. */
  private Scenario.Expectation withVariables(Scenario.Expectation e, Map<String, String> vars,
      List<String> failures) {
    List<JsonNode> results = new ArrayList<>();
    for (JsonNode r : e.results()) {
      results.add(resolved(r, vars, failures));
    }
    Map<String, JsonNode> json = new java.util.LinkedHashMap<>();
    e.json().forEach((k, v) -> json.put(k, resolved(v, vars, failures)));
    return new Scenario.Expectation(e.raises(), e.errorContains(), results, json, e.calls());
  }

  private JsonNode resolved(JsonNode node, Map<String, String> vars, List<String> failures) {
    Variables.Substituted s = Variables.substitute(node, vars, mapper);
    if (!s.unresolved().isEmpty()) {
      failures.add("expectation uses unresolved " + s.unresolved());
    }
    return s.node();
  }

  private JsonNode parse(String response, List<String> failures) {
    if (response == null || response.isEmpty()) {
      return null;
    }
    try {
      return mapper.readTree(response);
    } catch (Exception ex) {
      failures.add("response is not JSON");
      return null;
    }
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Used by expectations on calls. */
  static boolean matches(ApiCall call, Scenario.ExpectedCall expected) {
    if (!call.method().equals(expected.method())) {
      return false;
    }
    if (expected.args().isEmpty()) {
      return true;
    }
    if (expected.args().size() != call.args().size()) {
      return false;
    }
    for (int i = 0; i < expected.args().size(); i++) {
      String want = expected.args().get(i);
      if (!want.equals("*") && !want.equals(call.args().get(i))) {
        return false;
      }
    }
    return true;
  }
}
