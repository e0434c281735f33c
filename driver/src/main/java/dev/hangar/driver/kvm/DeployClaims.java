package dev.hangar.driver.kvm;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The conditional write that makes one Deploy actionId one VM however many sandbox hosts run it
 * at once: before defining a VM, its Deploy defines a placeholder domain named after the VM's
 * UUID ({@code hangar-claim-<vm uuid>}) under a UUID of its own. libvirt refuses a second domain
 * of the same name with another UUID, so of the attempts that race, exactly one holds the claim;
 * the others wait until it is released and then adopt the VM (or, if the holder rolled back,
 * claim again).
 *
 * <p>Why a placeholder and not the VM itself: defining a domain whose name and UUID both match
 * an existing one silently replaces its definition, so two attempts defining the same VM would
 * both "succeed" on one domain. The claim is held from before the VM's define until it is
 * running (or rolled back): an inactive Hangar domain with a claim is a Deploy in flight, which
 * {@link MemoryCheck} counts. The placeholder is never started, has no disk and no Hangar
 * metadata (quotas and the reaper do not see it); its description says when it was claimed, so
 * a claim left by a host that died is taken over once older than {@link #STALE}.
 */
final class DeployClaims {
  /** Longer than any Deploy takes from its claim to its VM's start. */
  static final Duration STALE = Duration.ofMinutes(10);
  static final String PREFIX = "hangar-claim-";
  private static final String CLAIMED_AT = "hangar deploy claim, claimed at ";

  private DeployClaims() {}

  /** The placeholder's name for a VM. */
  static String name(UUID vm) {
    return PREFIX + vm;
  }

  /** Whether a domain name is a claim's (never a VM's: VM names come from app names). */
  static boolean isClaim(String domainName) {
    return domainName.startsWith(PREFIX);
  }

  /** A claim this attempt holds. */
  static final class Claim {
    private final Hypervisor host;
    private final UUID vm;
    private final String placeholderUuid;
    private boolean released;

    Claim(Hypervisor host, UUID vm, String placeholderUuid) {
      this.host = host;
      this.vm = vm;
      this.placeholderUuid = placeholderUuid;
    }

    /**
     * Removes the placeholder if it is still this attempt's; gone already is success, and a
     * claim released once is not touched again (a rollback after the release has nothing to
     * undo here).
     */
    synchronized void release() throws LibvirtException {
      if (released) {
        return;
      }
      Optional<Domain> d = lookup(host, vm);
      if (d.isPresent()) {
        try {
          if (placeholderUuid.equals(d.get().getUUIDString())) {
            Undefine.run(host, d.get());
          }
        } finally {
          d.get().free();
        }
      }
      released = true;
    }
  }

  /**
   * Claims {@code vm} on {@code host}: empty when another attempt holds it (then
   * {@link #claimedAt} says since when).
   */
  static Optional<Claim> tryClaim(Hypervisor host, UUID vm, String domainType, long nowMillis)
      throws LibvirtException {
    String own = UUID.randomUUID().toString();
    String xml = "<domain type='" + domainType + "'><name>" + name(vm) + "</name><uuid>" + own
        + "</uuid><description>" + CLAIMED_AT + nowMillis + "</description>"
        + "<memory unit='KiB'>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
    try {
      host.change(() -> host.connect().domainDefineXML(xml)).free();
      return Optional.of(new Claim(host, vm, own));
    } catch (LibvirtException e) {
      Optional<Domain> other;
      try {
        other = lookup(host, vm);
      } catch (LibvirtException again) {
        e.addSuppressed(again);
        throw e; // the define's own failure says why (a lost connection, say)
      }
      if (other.isEmpty()) {
        throw e;
      }
      other.get().free();
      return Optional.empty();
    }
  }

  /** Whether some attempt holds a claim on {@code vm} at {@code host}. */
  static boolean held(Hypervisor host, UUID vm) throws LibvirtException {
    Optional<Domain> d = lookup(host, vm);
    d.ifPresent(DeployClaims::free);
    return d.isPresent();
  }

  /**
   * When the claim on {@code vm} was taken (epoch ms), or empty when there is none; a claim
   * whose time cannot be read counts as taken now.
   */
  static Optional<Long> claimedAt(Hypervisor host, UUID vm, long nowMillis)
      throws LibvirtException {
    Optional<Domain> d = lookup(host, vm);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    try {
      String xml = d.get().getXMLDesc(0);
      int at = xml.indexOf(CLAIMED_AT);
      if (at < 0) {
        return Optional.of(nowMillis);
      }
      int from = at + CLAIMED_AT.length();
      int to = from;
      while (to < xml.length() && Character.isDigit(xml.charAt(to))) {
        to++;
      }
      return Optional.of(to > from ? Long.parseLong(xml.substring(from, to)) : nowMillis);
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return Optional.empty();
      }
      throw e;
    } finally {
      d.get().free();
    }
  }

  /** Removes a claim left by an attempt that died (the caller checked it is stale). */
  static void breakStale(Hypervisor host, UUID vm) throws LibvirtException {
    Optional<Domain> d = lookup(host, vm);
    if (d.isPresent()) {
      try {
        Undefine.run(host, d.get());
      } finally {
        d.get().free();
      }
    }
  }

  private static Optional<Domain> lookup(Hypervisor host, UUID vm) throws LibvirtException {
    try {
      return Optional.of(host.connect().domainLookupByName(name(vm)));
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static void free(Domain d) {
    try {
      d.free();
    } catch (LibvirtException e) {
      // freeing a handle only releases memory; nothing to undo
    }
  }
}
