package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.libvirt.LibvirtException;

/**
 * How a KVM Deploy stays correct when other sandbox hosts run Deploys at the same moment, with
 * nothing shared but the hypervisors: the same actionId claims its VM ({@link DeployClaims}) so
 * that one attempt makes it and the others adopt it; after its define a Deploy checks the cloud
 * (the same VM on another hypervisor, the memory of every Deploy in flight: {@link MemoryCheck})
 * and gives way, undoing what it made and trying again, when it would make a second VM or
 * overcommit the host.
 */
final class DeployRace {
  /** Give-ways before a Deploy stops trying and says so. */
  static final int MAX_TRIES = 8;

  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;

  DeployRace(KvmSettings settings, KvmRuntime runtime, VmLocator locator) {
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
  }

  /** This Deploy gives way to another one: it undoes what it made and tries again. */
  static final class GaveWay extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean forMemory;

    GaveWay(String message, boolean forMemory) {
      super(message, null, false, false);
      this.forMemory = forMemory;
    }

    /** Whether the host was full (so the next try should prefer another one). */
    boolean forMemory() {
      return forMemory;
    }
  }

  /**
   * Claims the VM on {@code host}; when another attempt holds the claim, waits until it is
   * released and returns empty (the caller then looks for the VM again).
   */
  Optional<DeployClaims.Claim> claim(Hypervisor host, VmPlan plan, CommandScope scope) {
    try {
      String type = settings.virtualization().domainType(host.domainTypes()).orElseThrow();
      Optional<DeployClaims.Claim> c = DeployClaims.tryClaim(host, plan.uuid(), type,
          System.currentTimeMillis());
      if (c.isEmpty()) {
        awaitClaim(host, plan, scope);
      }
      return c;
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("claim the VM " + plan.name(), host.uri(), e);
    }
  }

  /**
   * Waits while another attempt holds the claim of {@code plan}'s VM on {@code host}; breaks a
   * claim older than {@link DeployClaims#STALE} (its host died). Returns whether there was one.
   */
  boolean awaitClaim(Hypervisor host, VmPlan plan, CommandScope scope) {
    try {
      boolean reported = false;
      while (true) {
        long now = System.currentTimeMillis();
        Optional<Long> at = DeployClaims.claimedAt(host, plan.uuid(), now);
        if (at.isEmpty()) {
          return reported;
        }
        if (now - at.get() > DeployClaims.STALE.toMillis()) {
          scope.progress("Taking over the Deploy of " + plan.name() + " on " + host.uri()
              + ": its claim is older than " + DeployClaims.STALE.toMinutes() + " minutes");
          DeployClaims.breakStale(host, plan.uuid());
          return true;
        }
        if (!reported) {
          scope.progress("Another host is deploying " + plan.name() + " on " + host.uri()
              + "; waiting for it");
          reported = true;
        }
        scope.checkCancelled("another host finished deploying " + plan.name());
        sleep(runtime.timeouts().poll());
      }
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("wait for another host's Deploy of " + plan.name(), host.uri(),
          e);
    }
  }

  /**
   * Checks the cloud right after this attempt defined its VM on {@code host}.
   *
   * @throws GaveWay when the same VM exists on another hypervisor too, or the host has no
   *     memory left for it with every Deploy in flight there counted
   */
  void checkAfterDefine(Hypervisor host, VmPlan plan, VmLocator.Reach reach)
      throws LibvirtException {
    List<Hypervisor> others = reach.up().stream().filter(h -> !h.uri().equals(host.uri()))
        .toList();
    // Claims are per hypervisor: two hosts that placed the VM on different hypervisors both
    // hold one. Whichever defined last sees the other here; both may, and then both retry.
    Optional<VmLocator.Located> twin = locator.findOn(others, plan.uuid().toString());
    if (twin.isPresent()) {
      throw new GaveWay("VM " + plan.uuid() + " is being made on " + twin.get().host().uri()
          + " too", false);
    }
    long left = MemoryCheck.leftAfterInFlight(host);
    if (left < 0) {
      throw new GaveWay(host.uri() + " has no room for " + plan.memoryMiB() + " MiB with the"
          + " Deploys in flight there counted (" + (left >> 20) + " MiB left)", true);
    }
  }

  /** The reachable hypervisors less those this Deploy found full, unless that leaves none. */
  VmLocator.Reach withoutGaveWay(VmLocator.Reach reach, Set<String> gaveWayOn) {
    List<Hypervisor> up = reach.up().stream().filter(h -> !gaveWayOn.contains(h.uri()))
        .toList();
    return up.isEmpty() ? reach : new VmLocator.Reach(up, reach.down());
  }

  /**
   * After the {@code tries}-th give-way: a random pause growing with the tries (so that Deploys
   * that all gave way at once do not meet again), or the end when there were too many.
   */
  void pause(int tries, GaveWay why, CommandScope scope) {
    if (tries >= MAX_TRIES) {
      throw new BackendException("gave way to other Deploys " + tries + " times, last: "
          + why.getMessage() + "; free memory or retry", true, false, why);
    }
    scope.progress("Gave way to another Deploy (" + why.getMessage() + "); trying again");
    scope.checkCancelled("trying the Deploy again");
    long base = Math.max(20, runtime.timeouts().poll().toMillis() / 4);
    sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(base, base * (tries + 1) + 1)));
  }

  private void sleep(Duration d) {
    try {
      runtime.timeouts().sleeper().sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandCancelledException("interrupted while waiting for another Deploy");
    }
  }
}
