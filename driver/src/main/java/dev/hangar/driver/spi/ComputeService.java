package dev.hangar.driver.spi;

import dev.hangar.datamodel.result.VmDetailsData;

/** VMs: create, power, delete, describe, address. */
public interface ComputeService {
  /**
   * Creates the VM of one deployApp (and its vNICs for the connectSubnet actions). A retry with
   * the same actionId returns the VM the first attempt made. On failure or cancellation it
   * rolls back what it made and throws.
   */
  DeployOutcome deploy(DeployRequest request, CommandScope scope);

  /** Starts the VM; a running VM is success. */
  void powerOn(DeployedVm vm, CommandScope scope);

  /** Stops the VM, gracefully then by force; a stopped VM is success. */
  void powerOff(DeployedVm vm, CommandScope scope);

  /** Deletes the VM and what Deploy made for it; a VM already gone is success. */
  void delete(DeployedVm vm, CommandScope scope);

  /** The VM's details, read live from the cloud. */
  VmDetailsData details(DeployedVm vm, CommandScope scope);

  /** The VM's current addresses. */
  Addresses addresses(DeployedVm vm, CommandScope scope);
}
