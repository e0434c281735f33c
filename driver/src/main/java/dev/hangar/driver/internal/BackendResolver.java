package dev.hangar.driver.internal;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.util.stream.Collectors;

/** Picks the backend for a provider's Cloud Type and checks a deployment path against it. */
public final class BackendResolver {
  private final BackendRegistry registry;

  public BackendResolver(BackendRegistry registry) {
    this.registry = registry;
  }

  /** The provider serving the resource's Cloud Type; a clear error when none is installed. */
  public BackendProvider forProvider(ProviderResource provider) {
    String cloudType;
    try {
      cloudType = provider.cloudType();
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
    return registry.forCloudType(cloudType).orElseThrow(() -> new ClientException(
        "no backend for Cloud Type '" + cloudType + "' is installed in this Hangar; "
            + known()));
  }

  /** The deployment option of a deployApp, checked against the provider's Cloud Type. */
  public DeploymentOption option(ProviderResource provider, String deploymentPath) {
    DeploymentOption option = DeploymentOptions.byPath(deploymentPath).orElseThrow(() ->
        new ClientException("unknown deployment path '" + deploymentPath + "'; " + known()));
    String cloudType = provider.cloudType();
    if (!option.cloudType().equals(cloudType)) {
      throw new ClientException("deployment path '" + option.name() + "' deploys to Cloud Type "
          + option.cloudType() + ", but cloud provider '" + provider.name() + "' is Cloud Type "
          + cloudType);
    }
    return option;
  }

  /** Names the installed backends and the deployment paths Hangar defines. */
  public String known() {
    String installed = registry.providers().stream()
        .map(p -> p.cloudType() + " (" + String.join(", ", new java.util.TreeSet<>(
            p.deploymentPaths())) + ")")
        .collect(Collectors.joining("; "));
    String paths = DeploymentOptions.all().stream()
        .map(o -> "'" + ProviderModel.NAME + "." + o.name() + "' (" + o.cloudType() + ")")
        .collect(Collectors.joining(", "));
    return "installed backends: " + (installed.isEmpty() ? "none" : installed)
        + "; deployment paths: " + paths;
  }
}
