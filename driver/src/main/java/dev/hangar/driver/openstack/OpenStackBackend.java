package dev.hangar.driver.openstack;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import java.util.List;
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
  public Optional<Planner> planner() {
    return Optional.of(new Planner() {
      @Override
      public Optional<List<PlannedOperation>> deploy(DeployRequest request,
          CommandScope scope) {
        return Optional.of(new OpenStackDeployPlan(session).plan(request,
            scope.reservationId()));
      }

      @Override
      public Optional<List<PlannedOperation>> cleanup(CommandScope scope) {
        if (scope.reservationId().isEmpty()) {
          throw new ClientException("CleanupSandboxInfra needs the reservation id of the"
              + " sandbox");
        }
        return Optional.of(new OpenStackReaper(session).cleanupPlan(scope.reservationId()));
      }
    });
  }

  @Override
  public Optional<Reaper> reaper() {
    return Optional.of(new OpenStackReaper(session));
  }

  @Override
  public Optional<AttributeAdvisor> attributeAdvisor() {
    return Optional.of(new OpenStackAdvisor(session));
  }
}
