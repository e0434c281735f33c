package dev.hangar.driver.spi;

import java.time.Instant;

/**
 * Removes what expired sandboxes left in a cloud. It finds objects by Hangar's marks only (a
 * sandbox id and a {@link SandboxLease} expiry), across every hypervisor or the whole region of
 * the provider, and never touches an object without them. A sandbox is expired when every one of
 * its objects carries an expiry and the latest is past; its objects are then removed in
 * dependency order. Deleting something already gone is success, so two reapers at once do no
 * harm.
 */
public interface Reaper {
  /**
   * Reaps the sandboxes expired at {@code now}.
   *
   * @param dryRun report what would be removed and change nothing
   */
  ReapReport reap(Instant now, boolean dryRun, CommandScope scope);
}
