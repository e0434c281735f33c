package dev.hangar.driver.orchestrator;

import dev.hangar.driver.OrchestratorApi;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The orchestrator API in-process: records every call (for replay expectations) and prints the
 * sandbox output lines. DecryptPassword has no key here: a value listed in {@code passwords}
 * decrypts to its entry, any other value is taken as already plain. Its recorded call holds only
 * the encrypted argument.
 */
public final class RecordingOrchestratorApi implements OrchestratorApi {
  private final List<ApiCall> calls = new ArrayList<>();
  private final Map<String, String> passwords;
  private final PrintStream output;

  /** @param output where sandbox output lines go (stderr for the CLI), or null for none */
  public RecordingOrchestratorApi(Map<String, String> passwords, PrintStream output) {
    this.passwords = Map.copyOf(passwords);
    this.output = output;
  }

  public static RecordingOrchestratorApi silent() {
    return new RecordingOrchestratorApi(Map.of(), null);
  }

  /** The calls so far, in order. */
  public synchronized List<ApiCall> calls() {
    return List.copyOf(calls);
  }

  public synchronized void clear() {
    calls.clear();
  }

  private synchronized void record(String method, String... args) {
    calls.add(new ApiCall(method, List.of(args)));
  }

  @Override
  public void updateResourceAddress(String resourceName, String address) {
    record("UpdateResourceAddress", resourceName, address);
  }

  @Override
  public void setAttributeValue(String resourceFullName, String attributeName, String value) {
    record("SetAttributeValue", resourceFullName, attributeName, value);
  }

  @Override
  public void writeMessageToReservationOutput(String reservationId, String message) {
    record("WriteMessageToReservationOutput", reservationId, message);
    if (output != null) {
      output.println("[" + reservationId + "] " + message);
    }
  }

  @Override
  public String decryptPassword(String encrypted) {
    record("DecryptPassword", encrypted);
    return passwords.getOrDefault(encrypted, encrypted);
  }

  @Override
  public void setResourceLiveStatus(String resourceName, String liveStatusName,
      String additionalInfo) {
    record("SetResourceLiveStatus", resourceName, liveStatusName, additionalInfo);
  }
}
