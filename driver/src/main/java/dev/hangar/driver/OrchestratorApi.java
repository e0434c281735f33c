package dev.hangar.driver;

import dev.hangar.datamodel.context.ConnectivityContext;

/**
 * The orchestrator's API that commands call back for side effects, reached through the context's
 * connectivity section. In-process it records and prints
 * ({@link dev.hangar.driver.orchestrator.RecordingOrchestratorApi}); the gRPC host wires it to the
 * orchestrator's callback service.
 */
public interface OrchestratorApi {
  /** Sets a deployed app's address (remote_refresh_ip). */
  void updateResourceAddress(String resourceName, String address);

  /** Sets an attribute of a resource, e.g. "Public IP". */
  void setAttributeValue(String resourceFullName, String attributeName, String value);

  /** Shows a progress line in the sandbox's output. */
  void writeMessageToReservationOutput(String reservationId, String message);

  /** Decrypts a password attribute as the platform sent it. The result is a secret. */
  String decryptPassword(String encrypted);

  /** Sets a resource's live status icon (e.g. "Online", "Error") with a tooltip. */
  void setResourceLiveStatus(String resourceName, String liveStatusName, String additionalInfo);

  /** Connects to the API a command's context names. */
  @FunctionalInterface
  interface Factory {
    OrchestratorApi connect(ConnectivityContext connectivity);
  }
}
