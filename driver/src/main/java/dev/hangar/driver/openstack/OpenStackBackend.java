package dev.hangar.driver.openstack;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import java.util.Optional;

/** The OpenStack cloud for one command: its login, dropped with the command. */
final class OpenStackBackend implements Backend {
  private final OsSession session;
  private final OpenStackCompute compute;
  private final ProviderResource provider;

  OpenStackBackend(OsSession session, ProviderResource provider) {
    this.session = session;
    this.compute = new OpenStackCompute(session);
    this.provider = provider;
  }

  @Override
  public AutoLoadDetails validate() {
    return new OpenStackInventory(session, "L3".equals(provider.networkingType())).validate();
  }

  @Override
  public ComputeService compute() {
    return compute;
  }

  @Override
  public Optional<L2Fabric> l2Fabric() {
    return Optional.of(new OpenStackL2Fabric(session));
  }

  @Override
  public Optional<L3Fabric> l3Fabric() {
    return Optional.of(new OpenStackL3Fabric(session, provider));
  }

  @Override
  public Optional<SnapshotService> snapshots() {
    return Optional.of(new OpenStackSnapshots(session));
  }

  @Override
  public Optional<SavedAppService> savedApps() {
    return Optional.of(new OpenStackSavedApps(session));
  }

  @Override
  public Optional<AttributeAdvisor> attributeAdvisor() {
    return Optional.of(new OpenStackAdvisor(session));
  }
}
