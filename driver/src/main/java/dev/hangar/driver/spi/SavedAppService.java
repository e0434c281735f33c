package dev.hangar.driver.spi;

import java.util.List;
import java.util.Map;

/**
 * The platform's "save sandbox": SaveApp turns a deployed app's VM into an artifact (a template
 * volume, an image) that a deployment path of this cloud deploys later; DeleteSavedApp removes
 * those artifacts. Every artifact carries the saved sandbox id in the cloud (metadata, tags).
 */
public interface SavedAppService {
  /**
   * Makes a full, consistent copy of the source VM (running or not) as a new artifact. On failure
   * or cancellation it removes what it made and throws.
   */
  SavedApp save(SaveAppRequest request, CommandScope scope);

  /** Removes the saved app's artifacts; an artifact already gone is success. */
  void delete(DeleteSavedAppRequest request, CommandScope scope);

  /**
   * One SaveApp action. {@code deploymentPathAttributes} are the source app's deployment path
   * attributes by plain name ({@code "Template Volume"}, not {@code "<path>.Template Volume"}).
   */
  record SaveAppRequest(String actionId, String savedSandboxId, String sourceVmUuid,
      String sourceAppName, String saveDeploymentModel,
      Map<String, String> deploymentPathAttributes) {
    public SaveAppRequest {
      deploymentPathAttributes = Map.copyOf(deploymentPathAttributes);
    }
  }

  /**
   * What SaveApp made. {@code deploymentPath} is the deployment path name that deploys it
   * ({@code "KVM VM From Template"}); {@code savedEntityAttributes} are that path's attributes by
   * plain name, the ones the saved app deploys with (the new template volume or image, and the
   * source app's others).
   */
  record SavedApp(List<Artifact> artifacts, String deploymentPath,
      Map<String, String> savedEntityAttributes, Map<String, String> additionalData) {
    public SavedApp {
      artifacts = List.copyOf(artifacts);
      savedEntityAttributes = Map.copyOf(savedEntityAttributes);
      additionalData = Map.copyOf(additionalData);
    }
  }

  /** One artifact as the platform keeps it: {@code ref} finds it in the cloud. */
  record Artifact(String ref, String name) {}

  /** One DeleteSavedApp action. */
  record DeleteSavedAppRequest(String actionId, String savedSandboxId, String savedAppName,
      List<Artifact> artifacts) {
    public DeleteSavedAppRequest {
      artifacts = List.copyOf(artifacts);
    }
  }
}
