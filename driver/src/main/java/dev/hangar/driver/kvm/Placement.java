package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Picks the hypervisor for a new VM: of the reachable ones that can run its guests the way the
 * provider's 'Virtualization' asks, the one with the most free memory that fits.
 */
final class Placement {
  private static final String TEST_DRIVER = "test";
  /** VIR_CONNECT_LIST_DOMAINS_ACTIVE. */
  private static final int LIST_ACTIVE = 1;

  private Placement() {}

  /** Chooses, and counts the VM's memory as taken there, in one step per ledger. */
  static Hypervisor choose(VmLocator.Reach reach, long memoryMiB, Virtualization virtualization,
      MemoryLedger ledger) {
    synchronized (ledger) {
      Hypervisor h = choose(reach, memoryMiB, virtualization, ledger::free);
      ledger.take(h, memoryMiB * 1024 * 1024);
      return h;
    }
  }

  /**
   * The host {@link #choose} would pick now, without counting the VM's memory as taken: for a
   * plan, which must leave the ledger as it found it.
   */
  static Hypervisor preview(VmLocator.Reach reach, long memoryMiB, Virtualization virtualization,
      MemoryLedger ledger) {
    return choose(reach, memoryMiB, virtualization, ledger::free);
  }

  /** Free bytes of a host. */
  interface FreeMemory {
    long of(Hypervisor h) throws LibvirtException;
  }

  private static Hypervisor choose(VmLocator.Reach reach, long memoryMiB,
      Virtualization virtualization, FreeMemory memory) {
    if (reach.up().isEmpty()) {
      throw BackendException.unavailable("no hypervisor is reachable: "
          + VmLocator.describe(reach.down()), null);
    }
    long need = memoryMiB * 1024 * 1024;
    Hypervisor best = null;
    long bestFree = -1;
    Map<String, String> refused = new LinkedHashMap<>(reach.down());
    boolean lost = false;
    int capable = 0;
    for (Hypervisor h : reach.up()) {
      if (virtualization.domainType(h.domainTypes()).isEmpty()) {
        refused.put(h.uri(), virtualization.refusal(h.domainTypes()));
        continue;
      }
      capable++;
      long free;
      try {
        free = memory.of(h);
      } catch (LibvirtException e) {
        lost |= LibvirtErrors.isUnreachable(e);
        refused.put(h.uri(), (LibvirtErrors.isConnectionLost(e) ? "lost the connection: "
            : "free memory unknown: ") + LibvirtErrors.text(e));
        continue;
      }
      if (free < need) {
        refused.put(h.uri(), (free >> 20) + " MiB free");
      } else if (free > bestFree) {
        best = h;
        bestFree = free;
      }
    }
    if (capable == 0) {
      throw new ClientException("no hypervisor can run the VM: " + VmLocator.describe(refused)
          + "; " + virtualization.remedy());
    }
    if (best == null && lost) {
      throw BackendException.unavailable("no hypervisor could take the VM: "
          + VmLocator.describe(refused), null);
    }
    if (best == null) {
      throw new BackendException("no hypervisor has " + memoryMiB + " MiB of free memory for"
          + " the VM: " + VmLocator.describe(refused) + "; lower 'RAM' or free a host", true,
          false, null);
    }
    return best;
  }

  /**
   * Free memory in bytes as the host reports it. libvirt's test driver cannot be trusted here
   * (test:///default answers in KiB where the API says bytes; node files fail or answer 0), so
   * there it is the node's memory less what running domains were given.
   */
  static long freeMemory(Hypervisor h) throws LibvirtException {
    if (!h.domainTypes().contains(TEST_DRIVER)) {
      long free = reportedFree(h);
      if (free > 0) {
        return free;
      }
    }
    return nodeMemoryLessRunning(h);
  }

  private static long reportedFree(Hypervisor h) {
    try {
      return h.connect().getFreeMemory();
    } catch (LibvirtException e) {
      return 0; // the driver keeps no per-cell free memory
    }
  }

  private static long nodeMemoryLessRunning(Hypervisor h) throws LibvirtException {
    long kib = h.connect().nodeInfo().memory;
    // One call for all running domains (not an ID list and a lookup per ID): a host with
    // hundreds of VMs is read in half the calls, and a domain gone meanwhile is not looked up.
    for (Domain d : h.connect().listAllDomains(LIST_ACTIVE)) {
      try {
        kib -= d.getInfo().memory;
      } catch (LibvirtException e) {
        if (!LibvirtErrors.isGone(e)) {
          throw e;
        }
      } finally {
        d.free();
      }
    }
    return Math.max(0, kib) * 1024;
  }
}
