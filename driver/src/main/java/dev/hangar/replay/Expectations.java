package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.orchestrator.ApiCall;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Checks a response and the API calls against a step's expectations. */
final class Expectations {
  private Expectations() {}

  static void check(JsonNode response, Scenario.Expectation e, List<ApiCall> calls,
      List<String> failures) {
    results(response, e.results(), failures);
    for (Map.Entry<String, JsonNode> j : e.json().entrySet()) {
      JsonNode actual = response == null ? null : response.at(j.getKey());
      JsonNode want = j.getValue();
      if (want.isObject() && want.has("matches")) {
        java.util.regex.Pattern regex;
        try {
          regex = java.util.regex.Pattern.compile(want.get("matches").asText());
        } catch (java.util.regex.PatternSyntaxException ex) {
          failures.add(j.getKey() + ": bad regex " + want.get("matches").asText());
          continue;
        }
        if (actual == null || actual.isMissingNode() || actual.isContainerNode()
            || !regex.matcher(actual.asText()).matches()) {
          failures.add(j.getKey() + " = " + show(actual) + ", expected to match "
              + want.get("matches").asText());
        }
      } else if (actual == null || !actual.equals(want)) {
        failures.add(j.getKey() + " = " + show(actual) + ", expected " + want);
      }
    }
    calls(calls, e.calls(), failures);
  }

  private static void results(JsonNode response, List<JsonNode> expected, List<String> failures) {
    if (expected.isEmpty()) {
      return;
    }
    JsonNode actual = response == null ? null
        : response.isArray() ? response : response.at("/driverResponse/actionResults");
    if (actual == null || !actual.isArray()) {
      failures.add("no results in the response");
      return;
    }
    for (int i = 0; i < expected.size(); i++) {
      JsonNode want = expected.get(i);
      JsonNode got = find(actual, want, i);
      String label = want.has("actionId") ? "result " + want.get("actionId").asText()
          : "result #" + (i + 1);
      if (got == null) {
        failures.add(label + " missing");
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode g = got.get(f.getKey());
        if (g == null || !g.equals(f.getValue())) {
          String error = got.path("errorMessage").asText(got.path("error").asText(""));
          failures.add(label + "." + f.getKey() + " = " + show(g) + ", expected " + f.getValue()
              + (error.isEmpty() ? "" : " (error: " + error + ")"));
        }
      }
    }
  }

  private static JsonNode find(JsonNode actual, JsonNode want, int index) {
    if (want.has("actionId")) {
      for (JsonNode r : actual) {
        if (r.path("actionId").equals(want.get("actionId"))) {
          return r;
        }
      }
      return null;
    }
    return index < actual.size() ? actual.get(index) : null;
  }

  private static void calls(List<ApiCall> actual, List<Scenario.ExpectedCall> expected,
      List<String> failures) {
    int from = 0;
    for (Scenario.ExpectedCall want : expected) {
      int found = -1;
      for (int i = from; i < actual.size(); i++) {
        if (ScenarioRunner.matches(actual.get(i), want)) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        failures.add("no " + want.method() + want.args() + " call (in order)");
      } else {
        from = found + 1;
      }
    }
  }

  private static String show(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "<missing>";
    }
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
