package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A recorded sandbox flow: steps run in order, sharing variables ({@code ${name}} in contexts and
 * requests) that scenario defaults, the caller, and earlier steps' {@code save} pointers define.
 */
public record Scenario(
    String name,
    String description,
    Map<String, String> variables,
    Map<String, String> passwords,
    List<Step> steps) {

  /**
   * One command with its inputs and what its answer must show. {@code parameters}: a remote
   * command's named parameters ({@code {"snapshot_name":"${snap}"}}), or null.
   */
  public record Step(
      String name,
      String command,
      JsonNode context,
      JsonNode request,
      Expectation expect,
      Map<String, String> save,
      JsonNode parameters) {}

  /**
   * What a step's answer must show. {@code results}: partial result objects, matched by actionId
   * (else by position); {@code json}: JSON pointer → exact value, or {@code {"matches": regex}};
   * {@code calls}: orchestrator API calls that must appear in this order ("*" matches any arg).
   */
  public record Expectation(
      boolean raises,
      String errorContains,
      List<JsonNode> results,
      Map<String, JsonNode> json,
      List<ExpectedCall> calls) {}

  /** An orchestrator API call a step must make. */
  public record ExpectedCall(String method, List<String> args) {}
}
