package dev.hangar.replay;

import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.ApiCall;
import java.util.List;

/** How a replay reaches a driver: in-process, or through a sandbox host. */
public interface Transport extends AutoCloseable {
  /** What a command did: its response, or the error it raised. */
  record Outcome(String response, String error) {
    public boolean raised() {
      return error != null;
    }
  }

  Outcome execute(Command command, String contextJson, String requestJson);

  /**
   * Runs a command with a remote command's named parameters. The default serves transports that
   * carry none: parameters are an error there, never silently dropped.
   */
  default Outcome execute(Command command, String contextJson, String requestJson,
      java.util.Map<String, String> parameters) {
    if (parameters != null && !parameters.isEmpty()) {
      return new Outcome(null, "this transport cannot pass parameters " + parameters.keySet());
    }
    return execute(command, contextJson, requestJson);
  }

  /** The orchestrator API calls made since the last {@link #clearCalls()}. */
  List<ApiCall> calls();

  void clearCalls();

  /** Releases what the transport holds (a callback server); nothing by default. */
  @Override
  default void close() {}
}
