package dev.hangar.driver.kvm;

import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.SshTarget;

/**
 * One configured hypervisor: the libvirt URI as the provider names it, how to reach its OVSDB,
 * and (for a remote host) the SSH login. {@code ssh} is null for a local hypervisor.
 */
record HypervisorTarget(String uri, OvsdbEndpoint ovsdb, SshTarget ssh) {
  boolean isRemote() {
    return ssh != null;
  }

  @Override
  public String toString() {
    return uri;
  }
}
