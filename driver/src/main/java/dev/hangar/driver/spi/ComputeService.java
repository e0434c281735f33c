package dev.hangar.driver.spi;

import dev.hangar.datamodel.result.VmDetailsData;
import java.util.List;

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

  /**
   * A hint that this command is about to call {@link #details} for each of {@code vms} (a
   * GetVmDetails of several apps): a backend whose cloud answers for many VMs in one call may
   * read them here and answer those {@code details} calls from that read, within this command
   * only. A failure here is not an error of the command: each {@code details} then reads on
   * its own. The default does nothing.
   */
  default void willReadDetails(List<DeployedVm> vms, CommandScope scope) {}

  /** The VM's details, read live from the cloud. */
  VmDetailsData details(DeployedVm vm, CommandScope scope);

  /** The VM's current addresses. */
  Addresses addresses(DeployedVm vm, CommandScope scope);

  /**
   * Changes the VM's vCPUs, memory and disks (reconfigure_vm). A stopped VM takes every change; a
   * running one what its cloud can change live, else a {@link dev.hangar.driver.ClientException}
   * saying to power it off. The default: not supported.
   */
  default void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
    throw new UnsupportedOperationException("reconfigure_vm");
  }

  /** How to open the VM's console. The default: not supported. */
  default ConsoleAccess console(DeployedVm vm, CommandScope scope) {
    throw new UnsupportedOperationException("get_vm_console");
  }
}
