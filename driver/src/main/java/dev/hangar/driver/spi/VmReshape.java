package dev.hangar.driver.spi;

import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * reconfigure_vm's change, parsed and checked by the driver (every number positive): vCPUs, memory
 * in MiB, and disk sizes in GiB by disk number (1 is the first disk, as vCenter's "Hard Disk 1").
 * An empty part leaves that part as it is. A disk only grows: a smaller size is a
 * {@link dev.hangar.driver.ClientException}; a number one past the last disk adds a new disk.
 */
public record VmReshape(OptionalInt cpus, OptionalLong memoryMib, Map<Integer, Long> diskGib) {
  public VmReshape {
    diskGib = Map.copyOf(diskGib);
  }

  public boolean isEmpty() {
    return cpus.isEmpty() && memoryMib.isEmpty() && diskGib.isEmpty();
  }
}
