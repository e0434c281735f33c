package dev.hangar.testing;

import dev.hangar.driver.OrchestratorApi;
import java.util.function.Consumer;

/**
 * An orchestrator API that passes every call to {@code api} and then runs {@code onProgress}
 * with each progress line, on the command's thread: tests cancel, block or kill at a step the
 * command reports.
 */
public record ProgressHookApi(OrchestratorApi api, Consumer<String> onProgress)
    implements OrchestratorApi {
  @Override
  public void updateResourceAddress(String resourceName, String address) {
    api.updateResourceAddress(resourceName, address);
  }

  @Override
  public void setAttributeValue(String resourceFullName, String attributeName, String value) {
    api.setAttributeValue(resourceFullName, attributeName, value);
  }

  @Override
  public void writeMessageToReservationOutput(String reservationId, String message) {
    api.writeMessageToReservationOutput(reservationId, message);
    onProgress.accept(message);
  }

  @Override
  public String decryptPassword(String encrypted) {
    return api.decryptPassword(encrypted);
  }

  @Override
  public void setResourceLiveStatus(String resourceName, String liveStatusName,
      String additionalInfo) {
    api.setResourceLiveStatus(resourceName, liveStatusName, additionalInfo);
  }
}
