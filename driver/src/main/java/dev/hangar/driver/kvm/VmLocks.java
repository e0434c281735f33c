package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.CommandScope;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One VM is never changed by two commands of this process at once. Striped by VM uuid: a fixed
 * set of locks, so nothing grows with the number of VMs. Waiting stays cancellable.
 */
final class VmLocks {
  private final ReentrantLock[] stripes = new ReentrantLock[256];

  VmLocks() {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Holds the VM's lock until the returned handle closes. */
  Held lock(UUID vm, CommandScope scope) {
    ReentrantLock l = stripes[Math.floorMod(vm.hashCode(), stripes.length)];
    try {
      while (!l.tryLock(200, TimeUnit.MILLISECONDS)) {
        scope.checkCancelled("another command on the same VM finished");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.hangar.driver.CommandCancelledException(
          "interrupted while waiting for another command on the same VM");
    }
    return l::unlock;
  }

  /** A held lock. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }
}
