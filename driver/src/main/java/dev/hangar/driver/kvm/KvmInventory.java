package dev.hangar.driver.kvm;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.options.ProviderModel;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * get_inventory on KVM: every hypervisor answers within the timeout and has the storage pool,
 * the management network and (in its OVSDB) the bridge. All problems are reported at once, each
 * naming the attribute to fix.
 */
final class KvmInventory {
  private final KvmSettings settings;
  private final KvmRuntime runtime;

  KvmInventory(KvmSettings settings, KvmRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  AutoLoadDetails validate() {
    List<String> problems = new ArrayList<>();
    boolean unreachableOnly = true;
    for (HypervisorTarget t : settings.hypervisors()) {
      Hypervisor h;
      try {
        h = runtime.hypervisors().get(t, runtime.timeouts().connect());
      } catch (HangarException e) {
        problems.add("attribute '" + ProviderModel.HYPERVISORS.name() + "': " + e.getMessage()
            + (t.isRemote() ? " (check the host, its libvirtd and the SSH attributes)" : ""));
        continue;
      }
      List<String> before = List.copyOf(problems);
      checkVirtualization(h, problems);
      checkPool(h, problems);
      checkNetwork(h, problems);
      checkBridge(h, problems);
      unreachableOnly &= problems.size() == before.size();
    }
    if (problems.isEmpty()) {
      return AutoLoadDetails.empty();
    }
    String m = "the KVM cloud provider is not usable: " + String.join("; ", problems);
    throw unreachableOnly ? BackendException.unavailable(m, null) : new ClientException(m);
  }

  private void checkVirtualization(Hypervisor h, List<String> problems) {
    Virtualization v = settings.virtualization();
    if (v.domainType(h.domainTypes()).isEmpty()) {
      problems.add("attribute '" + ProviderModel.VIRTUALIZATION.name() + "': " + h.uri() + " "
          + v.refusal(h.domainTypes()) + "; " + v.remedy());
    }
  }

  private void checkPool(Hypervisor h, List<String> problems) {
    if (settings.storagePool().isEmpty()) {
      problems.add("attribute 'Storage Pool' is empty; name the libvirt storage pool of the VM"
          + " disks");
      return;
    }
    try {
      StoragePool p = Volumes.pool(h, settings.storagePool());
      if (p.isActive() != 1) {
        problems.add("attribute 'Storage Pool': pool '" + settings.storagePool() + "' on "
            + h.uri() + " is not started; start it (virsh pool-start)");
      }
    } catch (HangarException e) {
      problems.add(e.getMessage());
    } catch (LibvirtException e) {
      problems.add(LibvirtErrors.wrap("check the storage pool", h.uri(), e).getMessage());
    }
  }

  private void checkNetwork(Hypervisor h, List<String> problems) {
    if (settings.managementNetwork().isEmpty()) {
      return;
    }
    try {
      ManagementNetwork.check(h, settings.managementNetwork());
    } catch (HangarException e) {
      problems.add(e.getMessage());
    } catch (LibvirtException e) {
      problems.add(LibvirtErrors.wrap("check the management network", h.uri(), e).getMessage());
    }
  }

  private void checkBridge(Hypervisor h, List<String> problems) {
    try {
      new OvsPorts(runtime, settings.ovsBridge()).checkBridge(h.target());
    } catch (HangarException e) {
      problems.add(e.getMessage() + (e instanceof BackendException
          ? " (check attribute 'OVSDB Remote')" : ""));
    }
  }
}
