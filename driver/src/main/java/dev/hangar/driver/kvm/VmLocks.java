package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.CommandScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One VM is never changed by two commands of this process at once. Striped by VM uuid: a fixed
 * set of locks, so nothing grows with the number of VMs. Waiting stays cancellable.
 */
final class VmLocks {
  private final ReentrantLock[] stripes = new ReentrantLock[256];
  private final ReentrantLock mesh = new ReentrantLock();

  VmLocks() {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Holds the VM's lock until the returned handle closes. */
  Held lock(UUID vm, CommandScope scope) {
    return lockStripe(stripe(vm), scope);
  }

  /** Holds the locks of all {@code vms}, taken in one order so two callers never deadlock. */
  Held lockAll(Collection<UUID> vms, CommandScope scope) {
    List<Held> held = new ArrayList<>();
    try {
      for (int s : vms.stream().map(this::stripe).distinct().sorted().toList()) {
        held.add(lockStripe(s, scope));
      }
    } catch (RuntimeException e) {
      unlock(held);
      throw e;
    }
    return () -> unlock(held);
  }

  /**
   * Held while a VXLAN change reads and writes the hypervisors' VNI maps and tunnels, so that two
   * commands of this process never plan on the same reads (the second would fail its bridge
   * check). Taken before any VM lock, never while holding one.
   */
  Held lockMesh(CommandScope scope) {
    return lock(mesh, scope, "another command changing the VXLAN tunnels finished");
  }

  private static void unlock(List<Held> held) {
    for (int i = held.size() - 1; i >= 0; i--) {
      held.get(i).close();
    }
  }

  private int stripe(UUID vm) {
    return Math.floorMod(vm.hashCode(), stripes.length);
  }

  private Held lockStripe(int stripe, CommandScope scope) {
    return lock(stripes[stripe], scope, "another command on the same VM finished");
  }

  private static Held lock(ReentrantLock l, CommandScope scope, String waitingFor) {
    try {
      while (!l.tryLock(200, TimeUnit.MILLISECONDS)) {
        scope.checkCancelled(waitingFor);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.hangar.driver.CommandCancelledException(
          "interrupted while waiting until " + waitingFor);
    }
    return l::unlock;
  }

  /** A held lock. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }
}
