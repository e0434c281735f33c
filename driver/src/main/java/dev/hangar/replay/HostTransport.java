package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostPort;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs commands on a sandbox host. It stands in for the orchestrator's API too: it serves the
 * callback service itself, points each context's connectivity at it (with the context's token),
 * and records the calls for the steps' expectations, as the in-process transport does.
 * An error status is the step's error: {@code "CODE: description"}.
 */
public final class HostTransport implements Transport {
  private final HostClient host;
  private final RecordingOrchestratorApi api;
  private final CallbackServer callbacks;
  private final Duration deadline;
  private final WireCodec codec = WireCodec.standard();

  private HostTransport(HostClient host, RecordingOrchestratorApi api, CallbackServer callbacks,
      Duration deadline) {
    this.host = host;
    this.api = api;
    this.callbacks = callbacks;
    this.deadline = deadline;
  }

  /**
   * @param callbackListen where to serve the callbacks (the host must reach it)
   * @param deadline each command's deadline, or null for none
   */
  public static HostTransport start(HostClient host, HostPort callbackListen,
      Map<String, String> passwords, PrintStream sandboxOutput, Duration deadline)
      throws IOException {
    RecordingOrchestratorApi api = new RecordingOrchestratorApi(passwords, sandboxOutput);
    return new HostTransport(host, api, CallbackServer.start(callbackListen, api), deadline);
  }

  @Override
  public Outcome execute(Command command, String contextJson, String requestJson) {
    return execute(command, contextJson, requestJson, Map.of());
  }

  @Override
  public Outcome execute(Command command, String contextJson, String requestJson,
      Map<String, String> parameters) {
    JsonNode context;
    try {
      context = codec.readTree(contextJson, "context");
    } catch (MalformedRequestException e) {
      return new Outcome(null, e.getMessage());
    }
    if (!(context instanceof ObjectNode o)) {
      return new Outcome(null, "the context is not a JSON object");
    }
    callbacks.expose(o);
    try {
      return new Outcome(host.call(command, o, requestJson, parameters, deadline), null);
    } catch (StatusRuntimeException e) {
      return new Outcome(null, describe(e.getStatus()));
    } catch (IllegalArgumentException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  /** {@code "CODE: description"}, as the step's error. */
  public static String describe(Status s) {
    return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
  }

  @Override
  public List<ApiCall> calls() {
    return api.calls();
  }

  @Override
  public void clearCalls() {
    api.clear();
  }

  /** Stops the callback service (the host client is the caller's). */
  @Override
  public void close() {
    callbacks.close();
  }
}
