package dev.hangar.driver.openstack;

import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import dev.hangar.options.DeploymentOptions;
import java.util.Set;

/**
 * Cloud Type {@code OpenStack}: Nova servers on a management network, through openstack4j over
 * its okhttp connector. Deployment path: {@code OpenStack Instance}. Each command logs in to
 * Keystone with the provider's attributes (Keystone URL, OpenStack Domain, Project, User, and the
 * password decrypted through the orchestrator API); nothing is kept between commands: what
 * Hangar made is found again by server metadata and Neutron names.
 */
public final class OpenStackBackendProvider implements BackendProvider {
  private final OpenStackTimeouts timeouts;

  /** The provider ServiceLoader finds. */
  public OpenStackBackendProvider() {
    this(OpenStackTimeouts.DEFAULT);
  }

  OpenStackBackendProvider(OpenStackTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public String cloudType() {
    return "OpenStack";
  }

  @Override
  public Set<String> deploymentPaths() {
    return Set.of(DeploymentOptions.OPENSTACK_INSTANCE.name());
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    provider.networkingType(); // checked: L2 or L3
    return new OpenStackBackend(new OsSession(OpenStackSettings.from(provider, scope),
        timeouts, KeystoneTokens.SHARED, () -> SandboxLease.of(provider, scope,
            java.time.Clock.systemUTC()), () -> Quotas.of(provider)), provider);
  }
}
