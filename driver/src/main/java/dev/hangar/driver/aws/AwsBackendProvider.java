package dev.hangar.driver.aws;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import dev.hangar.options.DeploymentOptions;
import java.util.Set;

/**
 * Cloud Type {@code AWS}: EC2 instances in a VPC per sandbox (Networking type L3). Deployment
 * path: {@code AWS EC2 Instance}. Each command gets its own EC2 client (the SDK's, over the JDK's
 * HTTP client) built from the provider's attributes: Region, AWS Access Key ID, AWS Secret Access
 * Key (decrypted through the orchestrator API), and Endpoint (an EC2-compatible endpoint, or a
 * test peer). Nothing is kept between commands: the sandbox's state is in EC2 tags, and the
 * provider's Quotas are counted from them at each Deploy ({@code Ec2Quota}).
 */
public final class AwsBackendProvider implements BackendProvider {
  private final AwsTimeouts timeouts;

  /** The provider ServiceLoader finds. */
  public AwsBackendProvider() {
    this(AwsTimeouts.DEFAULT);
  }

  AwsBackendProvider(AwsTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public String cloudType() {
    return "AWS";
  }

  @Override
  public Set<String> deploymentPaths() {
    return Set.of(DeploymentOptions.AWS_EC2_INSTANCE.name());
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    String networking = provider.networkingType();
    if (!"L3".equals(networking)) {
      throw new ClientException("cloud provider '" + provider.name() + "': Cloud Type AWS"
          + " supports Networking type L3 only, not " + networking);
    }
    AwsSettings settings = AwsSettings.from(provider, scope);
    return new AwsBackend(new Ec2Session(Ec2Clients.create(settings, timeouts), settings,
        timeouts, () -> SandboxLease.of(provider, scope, java.time.Clock.systemUTC()),
        () -> Quotas.of(provider)));
  }
}
