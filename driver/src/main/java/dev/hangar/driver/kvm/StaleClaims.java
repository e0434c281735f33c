package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.libvirt.LibvirtException;

/**
 * The reaper's part in {@link DeployClaims}: a claim older than {@link DeployClaims#STALE} was
 * left by a host that died between claiming a VM and starting it (the next attempt of that
 * Deploy would take it over; a sandbox torn down instead never retries it). Its placeholder
 * holds nothing (no disk, never started), so removing it is always safe once it is stale.
 *
 * <p>Stale is about its holder's liveness, not about any lease: a claim is judged by the clock
 * the Deploys write their claims with (the system clock, as {@link DeployRace} reads it), never
 * by the reaper's {@code now}. {@code hangar reap --as-of} a date ahead asks which sandboxes will
 * have expired by then; it must not take that date as the time the claims of Deploys in flight
 * are judged by, and remove them.
 */
final class StaleClaims {
  private StaleClaims() {}

  /**
   * Removes the claim on {@code vm}, whatever its age, once the reaper has removed the VM of an
   * expired sandbox: a Deploy cut off between its define and its start (its host died) leaves
   * both, and nothing will retry a Deploy of a sandbox that is gone. A line only when there was
   * one.
   */
  static void reapWithVm(Hypervisor h, UUID vm, String why, List<Line> lines) {
    String name = DeployClaims.name(vm);
    try {
      if (!DeployClaims.held(h, vm)) {
        return;
      }
      DeployClaims.breakStale(h, vm);
      lines.add(new Line(Outcome.REMOVED, "deploy claim", name, h.uri(), "", why, ""));
    } catch (LibvirtException e) {
      lines.add(new Line(Outcome.FAILED, "deploy claim", name, h.uri(), "", why,
          LibvirtErrors.describe(e)));
    }
  }

  /**
   * Removes (or, dry, lists) the stale claims of {@code h}, one line each.
   *
   * @param nowMillis the real time now (epoch millis), whatever date the reaper reaps as of
   */
  static void reap(Hypervisor h, long nowMillis, boolean dryRun, List<Line> lines)
      throws LibvirtException {
    for (String name : h.connect().listDefinedDomains()) {
      if (!DeployClaims.isClaim(name)) {
        continue;
      }
      UUID vm;
      try {
        vm = UUID.fromString(name.substring(DeployClaims.PREFIX.length()));
      } catch (IllegalArgumentException e) {
        continue; // not one of ours after all
      }
      long at = DeployClaims.claimedAt(h, vm, nowMillis).orElse(nowMillis);
      if (nowMillis - at <= DeployClaims.STALE.toMillis()) {
        continue;
      }
      String why = "deploy claim left since " + Instant.ofEpochMilli(at);
      if (dryRun) {
        lines.add(new Line(Outcome.WOULD_REMOVE, "deploy claim", name, h.uri(), "", why, ""));
        continue;
      }
      try {
        DeployClaims.breakStale(h, vm);
        lines.add(new Line(Outcome.REMOVED, "deploy claim", name, h.uri(), "", why, ""));
      } catch (LibvirtException e) {
        lines.add(new Line(Outcome.FAILED, "deploy claim", name, h.uri(), "", why,
            LibvirtErrors.describe(e)));
      }
    }
  }
}
