package dev.hangar.driver.orchestrator;

import java.util.List;

/** One call a command made to the orchestrator API: the API method's name and its arguments. */
public record ApiCall(String method, List<String> args) {
  public ApiCall {
    args = List.copyOf(args);
  }
}
