package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a scenario file. A step's {@code context} and {@code request} are inline JSON or the path
 * of a JSON file relative to the scenario; every problem names the step and the field.
 */
public final class ScenarioLoader {
  private final ObjectMapper mapper = WireCodec.standard().mapper();

  public Scenario load(Path file) throws ScenarioException {
    JsonNode root;
    try {
      root = mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ScenarioException("cannot read scenario " + file + ": " + firstLine(e));
    }
    if (root == null || !root.isObject() || !root.path("steps").isArray()) {
      throw new ScenarioException(file + ": a scenario is an object with a list of steps");
    }
    Path base = file.toAbsolutePath().getParent();
    List<Scenario.Step> steps = new ArrayList<>();
    int i = 0;
    for (JsonNode s : root.get("steps")) {
      i++;
      steps.add(step(s, base, file + " step " + i));
    }
    return new Scenario(root.path("name").asText(file.getFileName().toString()),
        root.path("description").asText(""), strings(root.path("variables")),
        strings(root.path("passwords")), steps);
  }

  private Scenario.Step step(JsonNode s, Path base, String where) throws ScenarioException {
    String command = s.path("command").asText("");
    if (Command.byStandardName(command).isEmpty()) {
      throw new ScenarioException(where + ": unknown command '" + command + "'; one of "
          + Command.standardNames());
    }
    JsonNode context = inlineOrFile(s.get("context"), base, where + " context");
    if (context == null) {
      throw new ScenarioException(where + ": no context");
    }
    JsonNode request = inlineOrFile(s.get("request"), base, where + " request");
    JsonNode e = s.path("expect");
    List<JsonNode> results = new ArrayList<>();
    e.path("results").forEach(results::add);
    Map<String, JsonNode> json = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("json").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      json.put(f.getKey(), f.getValue());
    }
    List<Scenario.ExpectedCall> calls = new ArrayList<>();
    for (JsonNode c : e.path("calls")) {
      List<String> args = new ArrayList<>();
      c.path("args").forEach(a -> args.add(a.asText()));
      calls.add(new Scenario.ExpectedCall(c.path("method").asText(), args));
    }
    Scenario.Expectation expect = new Scenario.Expectation(e.path("raises").asBoolean(false),
        e.hasNonNull("errorContains") ? e.get("errorContains").asText() : null, results, json,
        calls);
    JsonNode parameters = s.get("parameters");
    if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
      throw new ScenarioException(where + ": parameters must be an object of NAME: VALUE");
    }
    return new Scenario.Step(s.path("name").asText(command), command, context, request, expect,
        strings(s.path("save")), parameters);
  }

  private JsonNode inlineOrFile(JsonNode node, Path base, String where) throws ScenarioException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      return node;
    }
    Path file = base.resolve(node.asText()).normalize();
    try {
      return mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ScenarioException(where + ": cannot read " + file + ": " + firstLine(e));
    }
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node instanceof ObjectNode o) {
      o.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    }
    return out;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
