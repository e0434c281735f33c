package dev.hangar.driver.openstack;

import java.util.LinkedHashMap;
import java.util.List;
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
  /** Image property: what a server image Hangar made is ({@link #SNAPSHOT_KIND} or
   * {@link #SAVED_APP_KIND}). Every image Hangar makes sets all its image marks (empty where one
   * does not apply): Nova copies the source image's properties into a server image, and ours
   * must override those a restored or saved-app server inherited. */
  static final String KIND = "hangar-kind";
  static final String SNAPSHOT_KIND = "snapshot";
  static final String SAVED_APP_KIND = "saved-app";
  /** Image property: the server a snapshot is of. */
  static final String SNAPSHOT_OF = "hangar-snapshot-of";
  /** Image property: the snapshot's name. */
  static final String SNAPSHOT_NAME = "hangar-snapshot-name";
  /** Image property: the saved sandbox a saved app's image belongs to. */
  static final String SAVED_SANDBOX = "hangar-saved-sandbox";
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

  /** The properties of a snapshot {@code name} of server {@code serverId}. */
  static Map<String, String> snapshotImage(String serverId, String name, String actionId) {
    return image(SNAPSHOT_KIND, serverId, name, "", actionId);
  }

  /**
   * The properties of a snapshot of a server with metadata {@code server}: those above and the
   * server's sandbox and lease marks, so that the image expires with the server's sandbox.
   */
  static Map<String, String> snapshotImage(String serverId, String name, String actionId,
      Map<String, String> server) {
    Map<String, String> m = snapshotImage(serverId, name, actionId);
    Map<String, String> marks = server == null ? Map.of() : server;
    for (String k : List.of(SANDBOX, LeaseMarks.EXPIRES, LeaseMarks.DOMAIN)) {
      m.put(k, clip(marks.getOrDefault(k, "")));
    }
    return m;
  }

  /** The properties of the image a SaveApp of {@code actionId} makes. */
  static Map<String, String> savedAppImage(String savedSandbox, String app, String actionId) {
    Map<String, String> m = image(SAVED_APP_KIND, "", "", savedSandbox, actionId);
    m.put(APP, clip(app));
    return m;
  }

  private static Map<String, String> image(String kind, String serverId, String name,
      String savedSandbox, String actionId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(KIND, kind);
    m.put(SNAPSHOT_OF, clip(serverId));
    m.put(SNAPSHOT_NAME, clip(name));
    m.put(SAVED_SANDBOX, clip(savedSandbox));
    m.put(ACTION, clip(actionId));
    // no sandbox nor lease unless a snapshot's: never one inherited from a source image
    m.put(SANDBOX, "");
    m.put(LeaseMarks.EXPIRES, "");
    m.put(LeaseMarks.DOMAIN, "");
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
