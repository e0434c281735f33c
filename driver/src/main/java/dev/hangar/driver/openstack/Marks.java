package dev.hangar.driver.openstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Hangar marks what it makes in OpenStack: server metadata (sandbox, app, creating
 * actionId), and a name prefix plus a description on Neutron objects, so that a retry finds its
 * own objects and teardown finds every object of a sandbox without any state in the host.
 */
final class Marks {
  static final String SANDBOX = "hangar-sandbox";
  static final String APP = "hangar-app";
  static final String ACTION = "hangar-action";
  /** The prefix of every Neutron object Hangar names. */
  static final String PREFIX = "hangar-";

  private Marks() {}

  static Map<String, String> server(String sandbox, String app, String actionId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SANDBOX, clip(sandbox));
    m.put(APP, clip(app));
    m.put(ACTION, clip(actionId));
    return m;
  }

  /** Nova metadata values are at most 255 characters. */
  private static String clip(String s) {
    String v = s == null ? "" : s;
    return v.length() > 255 ? v.substring(0, 255) : v;
  }

  /** The description of a floating IP Deploy made: it names the sandbox and the actionId. */
  static String floatingIp(String sandbox, String actionId) {
    return clip("hangar sandbox=" + sandbox + " action=" + actionId);
  }

  /** The name of the sandbox's network for VLAN {@code vlan}. */
  static String vlanNetwork(String sandbox, int vlan) {
    return PREFIX + ServerPlan.shortHash(sandbox) + "-vlan" + vlan;
  }

  /** The name of the sandbox's network for VNI {@code vni} (VLAN Type VXLAN). */
  static String vxlanNetwork(String sandbox, int vni) {
    return PREFIX + ServerPlan.shortHash(sandbox) + "-vni" + vni;
  }

  /** The description of a sandbox object: it names the sandbox. */
  static String sandboxDescription(String sandbox) {
    return clip("hangar sandbox=" + sandbox);
  }
}
