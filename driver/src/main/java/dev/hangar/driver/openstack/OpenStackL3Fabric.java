package dev.hangar.driver.openstack;

import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SandboxInfraRequest;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.util.List;

/**
 * Networking type L3 on OpenStack: PrepareSandboxInfra ({@link SandboxInfra}),
 * CleanupSandboxInfra ({@link SandboxTeardown}) and SetAppSecurityGroups
 * ({@link PortFirewall}). Deploy puts a server's NICs on the sandbox's subnets
 * ({@link SubnetPorts}).
 */
final class OpenStackL3Fabric implements L3Fabric {
  private final OsSession s;
  private final ProviderResource provider;

  OpenStackL3Fabric(OsSession s, ProviderResource provider) {
    this.s = s;
    this.provider = provider;
  }

  @Override
  public List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope) {
    return new SandboxInfra(s, this::networksInUse).prepare(request, scope);
  }

  @Override
  public CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
    return new SandboxTeardown(s).cleanup(action, scope);
  }

  @Override
  public List<SecurityGroupResult> setSecurityGroups(List<AppSecurityGroups> apps,
      CommandScope scope) {
    return new PortFirewall(s).apply(apps, scope);
  }

  /** The provider's 'Networks in use': ranges no sandbox CIDR may overlap. */
  private List<SandboxCidr> networksInUse() {
    try {
      return SandboxCidr.parseList(provider.values(List.of()).string(
          ProviderModel.NETWORKS_IN_USE), "attribute 'Networks in use' of cloud provider '"
          + provider.name() + "'");
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
  }
}
