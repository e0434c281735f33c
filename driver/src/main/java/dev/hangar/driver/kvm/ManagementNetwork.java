package dev.hangar.driver.kvm;

import dev.hangar.options.ProviderModel;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/** The libvirt network of the VMs' management NICs. */
final class ManagementNetwork {
  private ManagementNetwork() {}

  /** Fails with a message naming the attribute when the network is missing or not started. */
  static void check(Hypervisor host, String name) throws LibvirtException {
    Network n;
    try {
      n = host.connect().networkLookupByName(name);
    } catch (LibvirtException e) {
      if (e.getError() != null
          && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_NETWORK) {
        throw LibvirtErrors.missing(ProviderModel.MANAGEMENT_NETWORK.name(), name, host.uri(),
            "libvirt network");
      }
      throw e;
    }
    if (n.isActive() != 1) {
      throw new dev.hangar.driver.ClientException("attribute 'Management Network': libvirt"
          + " network '" + name + "' on " + host.uri() + " is not started; start it (virsh"
          + " net-start " + name + ") and mark it autostart");
    }
  }
}
