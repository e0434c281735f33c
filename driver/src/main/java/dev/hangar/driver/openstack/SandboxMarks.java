package dev.hangar.driver.openstack;

/**
 * The names of an L3 sandbox's objects. Neutron networks, subnets and routers have no
 * description in openstack4j's builders, and a tag is a second call that a crash can miss: the
 * name, set in the create call itself, is the mark. Every name starts with
 * {@link #prefix(String)}, which the sandbox id fixes, so a retried Prepare finds its objects by
 * exact name and Cleanup finds every object of the sandbox by that prefix.
 */
final class SandboxMarks {
  /** The start of every L3 sandbox object's name. */
  static final String ROOT = "hangar-sbx-";

  private SandboxMarks() {}

  /** The sandbox id reduced to characters every Neutron and Nova name accepts. */
  static String safe(String sandbox) {
    String v = sandbox.replaceAll("[^A-Za-z0-9._-]", "-");
    return v.length() > 120 ? v.substring(0, 120) : v;
  }

  /** {@code hangar-sbx-<sandbox>-}: the start of every L3 object's name. */
  static String prefix(String sandbox) {
    return ROOT + safe(sandbox) + "-";
  }

  static String network(String sandbox) {
    return prefix(sandbox) + "net";
  }

  static String router(String sandbox) {
    return prefix(sandbox) + "router";
  }

  /** The group every port of the sandbox is in: its members reach each other. */
  static String sandboxGroup(String sandbox) {
    return prefix(sandbox) + "sandbox";
  }

  static String subnet(String sandbox, SandboxCidr cidr) {
    return prefix(sandbox) + "subnet-" + cidr.toString().replace('/', '_');
  }

  /** The group holding one app's inbound rules on one subnet (SetAppSecurityGroups). */
  static String appGroup(String sandbox, String serverId, String subnetId) {
    return prefix(sandbox) + "app-" + serverId + "-" + subnetId;
  }

  /**
   * A Deploy's port on a sandbox subnet: the {@link Marks#PREFIX} makes DeleteInstance delete
   * it with its server (Nova keeps ports it did not make).
   */
  static String nic(String sandbox, String actionId, int index) {
    return prefix(sandbox) + "nic" + index + "-" + ServerPlan.shortHash(actionId);
  }

  /**
   * The description of an app's group: it names the sandbox exactly, so that Cleanup, which
   * finds app groups by name prefix, never takes another sandbox's whose id extends this one.
   */
  static String appGroupDescription(String sandbox, String serverId, String subnetId) {
    String d = appGroupMark(sandbox) + "inbound rules of server " + serverId + " on subnet "
        + subnetId;
    return d.length() > 255 ? d.substring(0, 255) : d;
  }

  static String appGroupMark(String sandbox) {
    return "hangar sandbox=" + safe(sandbox) + ": ";
  }

  /** The Nova key pair of the sandbox. */
  static String keyPair(String sandbox) {
    return "hangar-" + safe(sandbox);
  }
}
