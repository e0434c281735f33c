package dev.hangar.driver.spi;

import java.util.List;
import java.util.Optional;

/**
 * Answers what a command would do without doing it. Read-only by contract: a planner reads the
 * cloud (hosts, free memory, existing VMs, port rows) and never writes to it, nor keeps anything
 * (no placement reservation, no lock held past the call), so a plan can be asked at any time and
 * as often as wanted. Each method covers one command; an empty answer means this cloud cannot
 * plan that command.
 */
public interface Planner {
  /**
   * Deploy: the operations one deployApp would make, in the order the command makes them.
   *
   * @throws dev.hangar.driver.ClientException for attributes the Deploy would refuse
   */
  default Optional<List<PlannedOperation>> deploy(DeployRequest request, CommandScope scope) {
    return Optional.empty();
  }

  /**
   * ApplyConnectivityChanges: per validated setVlan/removeVlan action, in their order, the
   * vNICs it would hot-plug and the exact port rows it would insert or change (columns before
   * and after), or its error.
   */
  default Optional<List<ActionPlan>> connectivity(
      List<dev.hangar.datamodel.request.VlanAction> actions, CommandScope scope) {
    return Optional.empty();
  }

  /**
   * CleanupSandboxInfra: what cleaning up the command's sandbox would delete, as the cloud lists
   * it now, in the order it would be deleted.
   */
  default Optional<List<PlannedOperation>> cleanup(CommandScope scope) {
    return Optional.empty();
  }
}
