package dev.hangar.driver.aws;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Planner;
import dev.hangar.driver.spi.PlannedOperation;
import java.util.List;
import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxInfraRequest;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import java.util.List;
import java.util.Optional;

/** The AWS cloud for one command: its EC2 client, closed with the command. */
final class AwsBackend implements Backend, L3Fabric {
  private final Ec2Session session;
  private final AwsCompute compute;

  AwsBackend(Ec2Session session) {
    this.session = session;
    this.compute = new AwsCompute(session);
  }

  @Override
  public AutoLoadDetails validate() {
    return new AwsInventory(session).validate();
  }

  @Override
  public ComputeService compute() {
    return compute;
  }

  @Override
  public Optional<L3Fabric> l3Fabric() {
    return Optional.of(this);
  }

  /** EBS snapshots of the instance's volumes: {@link EbsSnapshots}. */
  @Override
  public Optional<SnapshotService> snapshots() {
    return Optional.of(new EbsSnapshots(session));
  }

  /** Saved apps as AMIs: {@link SavedAmis}. */
  @Override
  public Optional<SavedAppService> savedApps() {
    return Optional.of(new SavedAmis(session));
  }

  /** AMI and instance type checks and hints: {@link Ec2AttributeAdvisor}. */
  @Override
  public Optional<AttributeAdvisor> attributeAdvisor() {
    return Optional.of(new Ec2AttributeAdvisor(session));
  }

  @Override
  public Optional<Planner> planner() {
    return Optional.of(new Planner() {
      /** The EC2 objects the Deploy would make: {@link Ec2DeployPlanner}. */
      @Override
      public Optional<List<PlannedOperation>> deploy(DeployRequest request, CommandScope scope) {
        return Optional.of(new Ec2DeployPlanner(session).plan(request, scope));
      }

      @Override
      public Optional<List<PlannedOperation>> cleanup(CommandScope scope) {
        if (scope.reservationId().isEmpty()) {
          throw new ClientException("CleanupSandboxInfra needs the reservation id of the"
              + " sandbox");
        }
        return Optional.of(new AwsReaper(session).cleanupPlan(scope.reservationId()));
      }
    });
  }

  @Override
  public Optional<Reaper> reaper() {
    return Optional.of(new AwsReaper(session));
  }

  @Override
  public List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope) {
    return new SandboxNetwork(session).prepare(request, scope);
  }

  @Override
  public CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
    return new SandboxCleanup(session).cleanup(action, scope);
  }

  @Override
  public List<SecurityGroupResult> setSecurityGroups(List<AppSecurityGroups> apps,
      CommandScope scope) {
    return new AppFirewall(session).apply(apps, scope);
  }

  @Override
  public void close() {
    session.close();
  }
}
