package dev.hangar.driver.kvm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a recovered VM from running twice. After a recovery the VM's definition exists on its new
 * host with a higher {@code generation} in its metadata (and {@code home} naming that host),
 * while the dead host, when it returns, may still hold the old copy. Whenever a command finds the
 * VM's UUID on more than one reachable hypervisor it keeps the newest copy (highest generation;
 * on a tie the one whose {@code home} is its own host, then a running one) and fences every other
 * before anything else touches the VM: destroyed if running, undefined, its OVS ports removed on
 * that host. The disks are never touched: they are the kept copy's, in the shared pool.
 *
 * <p>{@link VmRecovery} also fences a copy that is alone but older than the VM's stored
 * definition (its newer home unreachable at the time), and sweeps returning hosts at Recover.
 */
final class VmFencing {
  private static final Logger log = LoggerFactory.getLogger(VmFencing.class);

  /** A copy of the VM's domain on one host, with the metadata it carries. */
  record Copy(Hypervisor host, Domain domain, VmMetadata metadata, boolean running) {
    long generation() {
      return metadata == null ? 0 : metadata.generation();
    }

    boolean atHome() {
      return metadata != null && host.uri().equals(metadata.home());
    }
  }

  private final OvsPorts ports;

  VmFencing(OvsPorts ports) {
    this.ports = ports;
  }

  /** Newest first: generation, then at home, then running. */
  static final Comparator<Copy> NEWEST_FIRST = Comparator.comparingLong(Copy::generation)
      .thenComparing(Copy::atHome).thenComparing(Copy::running).reversed();

  /** The copy to keep of several (never empty). */
  static Copy keeper(List<Copy> copies) {
    return copies.stream().sorted(NEWEST_FIRST).findFirst().orElseThrow();
  }

  /** Reads a found domain as a copy. */
  static Copy copy(Hypervisor host, Domain domain) throws LibvirtException {
    VmMetadata meta = DomainView.parse(domain.getXMLDesc(0)).metadata();
    return new Copy(host, domain, meta, domain.isActive() == 1);
  }

  /**
   * Keeps the newest of {@code copies} and fences the others; returns the kept one. A copy that
   * cannot be fenced (its host failed meanwhile) is logged and left for the next command.
   */
  Copy resolve(List<Copy> copies) {
    if (copies.size() == 1) {
      return copies.get(0);
    }
    Copy keep = keeper(copies);
    List<Copy> stale = new ArrayList<>(copies);
    stale.remove(keep);
    for (Copy c : stale) {
      try {
        fence(c, "generation " + keep.generation() + " is on " + keep.host().uri());
      } catch (LibvirtException | RuntimeException e) {
        log.warn("could not fence the stale copy of VM on {}: {}", c.host().uri(),
            e.getMessage());
      }
    }
    return keep;
  }

  /**
   * Destroys and undefines a stale copy and removes its OVS ports on its host; the volumes in
   * its metadata stay (the kept copy uses them).
   */
  void fence(Copy stale, String why) throws LibvirtException {
    DomainView view = DomainView.parse(stale.domain().getXMLDesc(0));
    log.warn("fencing the stale copy of {} ({}) on {} (generation {}): {}", view.name(),
        view.uuid(), stale.host().uri(), stale.generation(), why);
    Undefine.run(stale.host(), stale.domain());
    List<String> names = view.ovsNics().stream().map(DomainView.NicView::device).toList();
    if (!names.isEmpty()) {
      String bridge = stale.metadata() == null ? "" : stale.metadata().ovsBridge();
      ports.on(bridge).delete(stale.host().target(), names);
    }
  }

  /** The copy of {@code uuid} on {@code host}, or empty. */
  static Optional<Copy> on(Hypervisor host, String uuid) throws LibvirtException {
    try {
      return Optional.of(copy(host, host.connect().domainLookupByUUIDString(uuid)));
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
