package dev.hangar.replay;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandDispatcher;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Runs commands on a driver in this process, with a recording orchestrator API. */
public final class InProcessTransport implements Transport {
  private final RecordingOrchestratorApi api;
  private final CommandDispatcher dispatcher;

  public InProcessTransport(BackendRegistry backends, Map<String, String> passwords,
      PrintStream sandboxOutput) {
    this.api = new RecordingOrchestratorApi(passwords, sandboxOutput);
    this.dispatcher = new CommandDispatcher(new CloudProviderDriver(backends, c -> api));
  }

  @Override
  public Outcome execute(Command command, String contextJson, String requestJson) {
    return execute(command, contextJson, requestJson, Map.of());
  }

  @Override
  public Outcome execute(Command command, String contextJson, String requestJson,
      Map<String, String> parameters) {
    try {
      return new Outcome(dispatcher.dispatch(command, contextJson, requestJson, parameters,
          CancellationContext.NONE), null);
    } catch (HangarException e) {
      return new Outcome(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Outcome(null, "internal error (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public List<ApiCall> calls() {
    return api.calls();
  }

  @Override
  public void clearCalls() {
    api.clear();
  }
}
