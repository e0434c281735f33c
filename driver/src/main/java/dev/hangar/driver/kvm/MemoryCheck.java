package dev.hangar.driver.kvm;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The memory check a Deploy makes after defining its VM, against the hypervisor itself rather
 * than this process's {@link MemoryLedger} (which only knows this host's own placements): the
 * host's free memory as {@link Placement#freeMemory} reads it (running domains already taken),
 * less the memory of every Deploy in flight there, this one included: an inactive domain whose
 * {@link DeployClaims claim} is still held. Below zero, this Deploy gives way.
 *
 * <p>Why that never overcommits, with any number of sandbox hosts and no lock: a claimed VM
 * stays counted (inactive with its claim, then running) from its define on, because the free
 * memory is read after the domains' states (one that starts in between counts twice, never
 * zero times). Of any set of Deploys that all kept their VMs on a host, the last to check saw
 * every other one already defined, so its sum held them all. Deploys racing for the last memory
 * may all give way where
 * one would have fitted; they retry (see KvmDeployer), oldest first.
 */
final class MemoryCheck {
  private MemoryCheck() {}

  /** Free bytes left on {@code host} once every Deploy in flight there is counted. */
  static long leftAfterInFlight(Hypervisor host) throws LibvirtException {
    long inFlight = 0;
    List<Domain> all = List.of(host.connect().listAllDomains(0));
    try {
      Set<String> claimed = new HashSet<>();
      for (Domain d : all) {
        String name = name(d);
        if (name != null && DeployClaims.isClaim(name)) {
          claimed.add(name.substring(DeployClaims.PREFIX.length()));
        }
      }
      for (Domain d : all) {
        try {
          if (!claimed.contains(d.getUUIDString()) || d.isActive() == 1) {
            continue;
          }
          inFlight += d.getInfo().maxMem * 1024;
        } catch (LibvirtException e) {
          if (!LibvirtErrors.isGone(e)) {
            throw e;
          }
        }
      }
    } finally {
      for (Domain d : all) {
        try {
          d.free();
        } catch (LibvirtException e) {
          // only memory of this process
        }
      }
    }
    // Read after the states: a VM that started since its state was read is counted twice (safe);
    // read before, a VM starting in between would be counted nowhere.
    return Placement.freeMemory(host) - inFlight;
  }

  private static String name(Domain d) throws LibvirtException {
    try {
      return d.getName();
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return null;
      }
      throw e;
    }
  }
}
