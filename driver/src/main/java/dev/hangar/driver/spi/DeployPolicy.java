package dev.hangar.driver.spi;

import java.time.Clock;

/**
 * What a command's provider says about the objects it makes: their marks and the quotas they
 * count against. Read when a Deploy needs it, so a bad value fails that action only.
 */
public record DeployPolicy(SandboxLease lease, Quotas quotas) {
  public static DeployPolicy of(ProviderResource provider, CommandScope scope, Clock clock) {
    return new DeployPolicy(SandboxLease.of(provider, scope, clock), Quotas.of(provider));
  }
}
