package dev.hangar.driver.spi;

import dev.hangar.datamodel.context.AutoLoadDetails;
import java.util.Optional;

/** A cloud opened for one command. */
public interface Backend extends AutoCloseable {
  /** get_inventory: checks the provider's attributes against the live cloud. */
  AutoLoadDetails validate();

  ComputeService compute();

  /** VLANs on vNICs, for Networking type L2. */
  default Optional<L2Fabric> l2Fabric() {
    return Optional.empty();
  }

  /** Sandbox subnets, keys and security groups, for Networking type L3. */
  default Optional<L3Fabric> l3Fabric() {
    return Optional.empty();
  }

  /** Snapshots of deployed VMs; empty when the cloud has none. */
  default Optional<SnapshotService> snapshots() {
    return Optional.empty();
  }

  /** SaveApp / DeleteSavedApps; empty when the cloud cannot save apps. */
  default Optional<SavedAppService> savedApps() {
    return Optional.empty();
  }

  /** validate_attributes / get_attribute_hints against the live cloud; empty: no live checks. */
  default Optional<AttributeAdvisor> attributeAdvisor() {
    return Optional.empty();
  }

  /** Finds and removes what expired sandboxes left (by Hangar's marks); empty: no reaper. */
  default Optional<Reaper> reaper() {
    return Optional.empty();
  }

  /** Predicts what a command would do, changing nothing ({@link Planner}); empty: no plans. */
  default Optional<Planner> planner() {
    return Optional.empty();
  }

  /** Recover: a dead hypervisor's VMs restarted elsewhere in its area; empty: not offered. */
  default Optional<HostRecovery> recovery() {
    return Optional.empty();
  }

  @Override
  default void close() {}
}
