package dev.hangar.driver.spi;

import java.util.List;

/**
 * Restarts the VMs of an unreachable hypervisor on a live host of its failover area (the
 * {@code Recover} command). A backend without areas has none.
 */
public interface HostRecovery {
  /**
   * Recovers every VM whose hypervisor is {@code hypervisor}, or, when it is empty, of every
   * unreachable hypervisor of an area; stale copies on returning hosts are removed first.
   *
   * @return one line per VM (recovered, already current, or why not) and per stale copy removed
   */
  List<String> recover(String hypervisor, CommandScope scope);
}
