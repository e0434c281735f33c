package dev.hangar.driver.kvm;

import java.util.List;
import java.util.concurrent.Semaphore;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A connected hypervisor: its libvirt connection (shared, thread-safe), the domain types it
 * offers, and the bound on concurrent state changes on it.
 */
final class Hypervisor {
  private final HypervisorTarget target;
  private final Connect connect;
  private final List<String> domainTypes;
  private final Semaphore changes;

  Hypervisor(HypervisorTarget target, Connect connect, List<String> domainTypes,
      Semaphore changes) {
    this.target = target;
    this.connect = connect;
    this.domainTypes = List.copyOf(domainTypes);
    this.changes = changes;
  }

  /**
   * This host's shared connection, seen through the settings of the command at hand: the
   * connection is cached per URI, but the OVSDB remote and SSH login come from the provider as
   * the current command reads it.
   */
  Hypervisor as(HypervisorTarget current) {
    return current.equals(target) ? this : new Hypervisor(current, connect, domainTypes, changes);
  }

  HypervisorTarget target() {
    return target;
  }

  String uri() {
    return target.uri();
  }

  Connect connect() {
    return connect;
  }

  /** The domain types it offers for hvm guests: kvm, qemu (TCG), or the driver's own. */
  List<String> domainTypes() {
    return domainTypes;
  }

  /** Runs a state change on this host within its concurrency bound. */
  <T> T change(LibvirtCall<T> call) throws LibvirtException {
    changes.acquireUninterruptibly();
    try {
      return call.run();
    } finally {
      changes.release();
    }
  }

  /** A libvirt call. */
  interface LibvirtCall<T> {
    T run() throws LibvirtException;
  }

  @Override
  public String toString() {
    return target.uri();
  }
}
