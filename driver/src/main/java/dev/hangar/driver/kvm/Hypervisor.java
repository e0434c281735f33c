package dev.hangar.driver.kvm;

import java.util.concurrent.Semaphore;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A connected hypervisor: its libvirt connection (shared, thread-safe), the domain type its
 * guests get, and the bound on concurrent state changes on it.
 */
final class Hypervisor {
  private final HypervisorTarget target;
  private final Connect connect;
  private final String domainType;
  private final Semaphore changes;

  Hypervisor(HypervisorTarget target, Connect connect, String domainType, Semaphore changes) {
    this.target = target;
    this.connect = connect;
    this.domainType = domainType;
    this.changes = changes;
  }

  /**
   * This host's shared connection, seen through the settings of the command at hand: the
   * connection is cached per URI, but the OVSDB remote and SSH login come from the provider as
   * the current command reads it.
   */
  Hypervisor as(HypervisorTarget current) {
    return current.equals(target) ? this : new Hypervisor(current, connect, domainType, changes);
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

  /** {@code kvm} where the host has it, else {@code qemu} (TCG), else the driver's own. */
  String domainType() {
    return domainType;
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
