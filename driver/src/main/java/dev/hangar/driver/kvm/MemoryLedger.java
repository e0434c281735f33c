package dev.hangar.driver.kvm;

import java.util.HashMap;
import java.util.Map;
import org.libvirt.LibvirtException;

/**
 * Free memory per hypervisor for placement: read from the host at most once per
 * {@link #MAX_AGE_NANOS}, less what placements made since the reading took. A burst of Deploys
 * (a sandbox's apps arrive at once) costs one reading, and no two of them count the same free
 * memory twice. A cache of the host's own figure, refreshed from it: no state of its own.
 */
final class MemoryLedger {
  static final long MAX_AGE_NANOS = 1_000_000_000L;

  private record Reading(long freeBytes, long readAtNanos) {}

  private final Map<String, Reading> readings = new HashMap<>();

  /** Free bytes on {@code host} as placement should see them now. */
  synchronized long free(Hypervisor host) throws LibvirtException {
    Reading r = readings.get(host.uri());
    long now = System.nanoTime();
    if (r == null || now - r.readAtNanos() > MAX_AGE_NANOS) {
      r = new Reading(Placement.freeMemory(host), now);
      readings.put(host.uri(), r);
    }
    return r.freeBytes();
  }

  /** Counts {@code bytes} as taken on {@code host} until its next reading. */
  synchronized void take(Hypervisor host, long bytes) {
    readings.computeIfPresent(host.uri(), (uri, r) ->
        new Reading(Math.max(0, r.freeBytes() - bytes), r.readAtNanos()));
  }

  /** Gives back what {@link #take} counted, for a Deploy that failed and rolled back. */
  synchronized void giveBack(Hypervisor host, long bytes) {
    readings.computeIfPresent(host.uri(), (uri, r) ->
        new Reading(r.freeBytes() + bytes, r.readAtNanos()));
  }
}
