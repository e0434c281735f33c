package dev.hangar.driver.kvm;

import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** Power changes; a VM already in the target state is success. */
final class VmPower {
  private final KvmRuntime runtime;

  VmPower(KvmRuntime runtime) {
    this.runtime = runtime;
  }

  void on(Hypervisor host, Domain domain, DeployedVm vm) throws LibvirtException {
    if (domain.isActive() == 1) {
      return;
    }
    try {
      host.change(domain::create);
    } catch (LibvirtException e) {
      if (domain.isActive() != 1) {
        throw e;
      }
    }
  }

  /** ACPI shutdown, then force off when the guest has not stopped within the bound. */
  void off(Hypervisor host, Domain domain, DeployedVm vm, CommandScope scope)
      throws LibvirtException {
    if (domain.isActive() != 1) {
      return;
    }
    KvmTimeouts t = runtime.timeouts();
    try {
      host.change(() -> {
        domain.shutdown();
        return null;
      });
    } catch (LibvirtException e) {
      if (domain.isActive() != 1) {
        return;
      }
      // No ACPI or agent: fall through to the forced stop.
    }
    long deadline = t.sleeper().nanoTime() + t.gracefulShutdown().toNanos();
    while (domain.isActive() == 1 && t.sleeper().nanoTime() < deadline) {
      if (scope.isCancelled()) {
        break;
      }
      try {
        t.sleeper().sleep(t.poll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandCancelledException("interrupted while powering off "
            + vm.resourceName());
      }
    }
    if (domain.isActive() == 1) {
      scope.progress(vm.resourceName() + " did not shut down within "
          + t.gracefulShutdown().toSeconds() + " s; forcing it off");
      try {
        host.change(() -> {
          domain.destroy();
          return null;
        });
      } catch (LibvirtException e) {
        if (domain.isActive() == 1) {
          throw e;
        }
      }
    }
  }
}
