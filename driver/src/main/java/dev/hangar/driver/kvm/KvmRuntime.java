package dev.hangar.driver.kvm;

import dev.hangar.driver.ovsdb.OvsdbConnector;

/**
 * What the KVM backend keeps for the life of the process, shared by all commands: live
 * connections (libvirt, OVSDB), the per-VM locks, the placement's memory readings and the wait
 * bounds. No sandbox state.
 */
record KvmRuntime(HypervisorConnections hypervisors, OvsdbConnector ovsdb, VmLocks locks,
    MemoryLedger memory, KvmTimeouts timeouts) implements AutoCloseable {
  @Override
  public void close() {
    try {
      hypervisors.close();
    } finally {
      ovsdb.close();
    }
  }
}
