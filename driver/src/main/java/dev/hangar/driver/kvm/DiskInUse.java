package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import java.util.Locale;
import org.libvirt.LibvirtException;

/**
 * Recover's refusal when the VM's disk is still locked by another qemu: the sign of a home host
 * that is cut off (partitioned), not dead.
 *
 * <p>Hangar has no power fencing (no IPMI/STONITH), and from the driver a partitioned host looks
 * exactly like a dead one: its libvirtd does not answer. But a cut-off host's qemu runs on and
 * keeps writing the VM's disk in the shared pool, and a second qemu on the same disk would corrupt
 * it. qemu's image locking (on by default, and effective on a shared file system that honours
 * OFD locks) makes the second start fail with {@code Failed to get "write" lock}. Recover takes
 * that failure as the answer to "is the old copy still running?": it rolls the recovery back (no
 * domain, port or stored-definition change is left on the target) and tells the admin to fence
 * the old host (power it off, or stop the VM's qemu there) and call Recover again, which then
 * succeeds because the lock is gone. Recover never forces the start; without working image
 * locks this safeguard is gone, and a host must be known down before Recover is called.
 */
final class DiskInUse {
  private DiskInUse() {}

  /** True when qemu refused to start because another process holds the disk's lock. */
  static boolean is(LibvirtException e) {
    String text = LibvirtErrors.text(e).toLowerCase(Locale.ROOT);
    return text.contains("failed to get") && text.contains("lock");
  }

  /** The per-VM error: what happened, why it is likely a partition, and what the admin does. */
  static BackendException refusal(String vm, String home, String target, LibvirtException e) {
    String qemu = LibvirtErrors.text(e);
    int at = qemu.toLowerCase(Locale.ROOT).indexOf("failed to get");
    String reason = (at < 0 ? qemu : qemu.substring(at)).lines().findFirst().orElse("").strip();
    return BackendException.failed("the disk of " + vm + " is still in use: qemu on " + target
        + " could not lock it (" + reason + "). " + home + " is most likely cut off (network"
        + " partition), not dead, and still runs the VM; Recover does not start a second copy."
        + " Fence " + home + " (power it off, or stop the VM's qemu there), then call Recover"
        + " again", e);
  }
}
