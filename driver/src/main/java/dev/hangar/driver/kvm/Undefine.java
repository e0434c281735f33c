package dev.hangar.driver.kvm;

import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** Removes a domain definition and everything libvirt keeps beside it. */
final class Undefine {
  /** MANAGED_SAVE | SNAPSHOTS_METADATA | NVRAM | CHECKPOINTS_METADATA | TPM. */
  static final int ALL = 1 | 2 | 4 | 16 | 32;
  /** What every driver accepts (the test driver refuses NVRAM and TPM). */
  static final int BASIC = 1 | 2;

  private Undefine() {}

  /** Destroys a running domain, then undefines it; a domain already gone is success. */
  static void run(Hypervisor host, Domain domain) throws LibvirtException {
    host.change(() -> {
      try {
        stop(domain);
        undefine(domain);
      } catch (LibvirtException e) {
        if (!LibvirtErrors.isGone(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  /**
   * Destroys the domain when it runs; one that stopped between the check and the destroy (its
   * guest powered off, its qemu died) is stopped all the same.
   */
  static void stop(Domain domain) throws LibvirtException {
    if (domain.isActive() != 1) {
      return;
    }
    try {
      domain.destroy();
    } catch (LibvirtException e) {
      if (domain.isActive() == 1) {
        throw e;
      }
    }
  }

  private static void undefine(Domain domain) throws LibvirtException {
    for (int flags : new int[] {ALL, BASIC}) {
      try {
        domain.undefine(flags);
        return;
      } catch (LibvirtException e) {
        if (!LibvirtErrors.isUnsupported(e)) {
          throw e;
        }
      }
    }
    domain.undefine();
  }
}
