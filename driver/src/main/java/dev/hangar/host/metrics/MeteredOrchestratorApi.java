package dev.hangar.host.metrics;

import dev.hangar.driver.OrchestratorApi;
import java.util.function.Supplier;

/** An orchestrator API that counts its calls by method and outcome, then passes them on. */
final class MeteredOrchestratorApi implements OrchestratorApi {
  private final OrchestratorApi api;
  private final HostMetrics metrics;

  MeteredOrchestratorApi(OrchestratorApi api, HostMetrics metrics) {
    this.api = api;
    this.metrics = metrics;
  }

  @Override
  public void updateResourceAddress(String resourceName, String address) {
    run("UpdateResourceAddress", () -> api.updateResourceAddress(resourceName, address));
  }

  @Override
  public void setAttributeValue(String resourceFullName, String attributeName, String value) {
    run("SetAttributeValue", () -> api.setAttributeValue(resourceFullName, attributeName, value));
  }

  @Override
  public void writeMessageToReservationOutput(String reservationId, String message) {
    run("WriteMessageToReservationOutput",
        () -> api.writeMessageToReservationOutput(reservationId, message));
  }

  @Override
  public String decryptPassword(String encrypted) {
    return call("DecryptPassword", () -> api.decryptPassword(encrypted));
  }

  @Override
  public void setResourceLiveStatus(String resourceName, String liveStatusName,
      String additionalInfo) {
    run("SetResourceLiveStatus",
        () -> api.setResourceLiveStatus(resourceName, liveStatusName, additionalInfo));
  }

  private void run(String method, Runnable body) {
    Timed.run(body, (outcome, nanos) -> metrics.callbackEnded(method, outcome, nanos));
  }

  private <T> T call(String method, Supplier<T> body) {
    return Timed.call(body, (outcome, nanos) -> metrics.callbackEnded(method, outcome, nanos));
  }
}
