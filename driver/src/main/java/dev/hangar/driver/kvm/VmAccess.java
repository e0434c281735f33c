package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The deployed VM of a command, found on the provider's hypervisors and held under its lock
 * while the command changes it: what the commands beyond the standard (snapshots, reconfigure,
 * console) share with power and delete.
 */
final class VmAccess {
  private final KvmRuntime runtime;
  private final VmLocator locator;

  VmAccess(KvmRuntime runtime, VmLocator locator) {
    this.runtime = runtime;
    this.locator = locator;
  }

  /** A change to a found VM, under its lock. */
  interface Change<T> {
    T apply(Hypervisor host, Domain domain) throws LibvirtException;
  }

  /** Runs {@code change} on the VM under its lock; libvirt errors name {@code what}. */
  <T> T locked(DeployedVm vm, CommandScope scope, String what, Change<T> change) {
    try (VmLocks.Held held = runtime.locks().lock(uuid(vm), scope)) {
      return unlocked(vm, what, change);
    }
  }

  /** Runs {@code change} on the VM without its lock (reads). */
  <T> T unlocked(DeployedVm vm, String what, Change<T> change) {
    VmLocator.Located at = existing(vm);
    try {
      return change.apply(at.host(), at.domain());
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap(what + " " + vm.resourceName(), at.host().uri(), e);
    }
  }

  VmLocator.Located existing(DeployedVm vm) {
    uuid(vm);
    return locator.find(vm.uid(), vm.customParam(KvmCompute.HYPERVISOR)).orElseThrow(() ->
        new BackendException("VM " + vm.uid() + " of app '" + vm.resourceName() + "' no longer"
            + " exists on any hypervisor of this provider; redeploy the app", false, false, null));
  }

  static UUID uuid(DeployedVm vm) {
    try {
      return UUID.fromString(vm.uid());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ClientException("app '" + vm.resourceName() + "': vmdetails.uid '" + vm.uid()
          + "' is not a KVM VM uuid");
    }
  }
}
