package dev.hangar.driver.openstack;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The OpenStack provider's attributes, read and checked once per command. The password is
 * decrypted through the orchestrator API and never shown: {@link #toString()} hides it, and the
 * scope redacts it from every message.
 *
 * @param region empty: the catalog's only (or first) region
 * @param vlanMin the lowest VLAN id sandboxes may use (1 when the range is empty)
 * @param externalNetwork empty: no floating IPs, no sandbox routers
 * @param segments VLAN Type: the sandbox networks are Neutron vlan networks on the physical
 *     network, or vxlan networks whose segmentation id is the VNI
 */
record OpenStackSettings(String providerName, String keystoneUrl, String domain, String project,
    String user, String password, String region, String physicalNetwork, int vlanMin,
    int vlanMax, String externalNetwork, String managementNetwork, String flavor,
    SegmentKind segments) {

  static OpenStackSettings from(ProviderResource provider, CommandScope scope) {
    AttributeValues v = provider.values(List.of());
    String where = "cloud provider '" + provider.name() + "'";
    String url = required(v, ProviderModel.KEYSTONE_URL, where, "the Keystone v3 URL, e.g."
        + " http://controller:5000/v3");
    checkUrl(url, where);
    String domain = read(v, ProviderModel.OPENSTACK_DOMAIN).strip();
    String project = required(v, ProviderModel.OPENSTACK_PROJECT, where, "the project name");
    String user = required(v, ProviderModel.OPENSTACK_USER, where, "the user name");
    String encrypted = read(v, ProviderModel.OPENSTACK_PASSWORD);
    if (encrypted.isBlank()) {
      throw new ClientException("attribute 'OpenStack Password' of " + where + " is empty;"
          + " set the password of user '" + user + "'");
    }
    String password = scope.decrypt(encrypted);
    SegmentKind segments;
    try {
      segments = SegmentKind.ofVlanType(read(v, ProviderModel.VLAN_TYPE));
    } catch (IllegalArgumentException e) {
      throw new ClientException(e.getMessage() + " (" + where + ")");
    }
    int[] range = vlanRange(read(v, ProviderModel.VLAN_RANGE).strip(), segments, where);
    String mgmt = required(v, ProviderModel.MANAGEMENT_NETWORK, where, "the Neutron network"
        + " (name or id) of every server's first NIC");
    return new OpenStackSettings(provider.name(), url.replaceAll("/+$", ""),
        domain.isEmpty() ? "Default" : domain, project, user, password,
        read(v, ProviderModel.REGION).strip(), read(v, ProviderModel.PHYSICAL_NETWORK).strip(),
        range[0], range[1], read(v, ProviderModel.EXTERNAL_NETWORK).strip(), mgmt,
        read(v, ProviderModel.FLAVOR).strip(), segments);
  }

  /** Whether the sandbox may use VLAN (or, with VXLAN, VNI) {@code id}. */
  boolean vlanAllowed(int id) {
    return id >= vlanMin && id <= vlanMax;
  }

  private static String required(AttributeValues v, AttributeSpec spec, String where,
      String what) {
    String s = read(v, spec).strip();
    if (s.isEmpty()) {
      throw new ClientException("attribute '" + spec.name() + "' of " + where + " is empty;"
          + " set " + what);
    }
    return s;
  }

  private static String read(AttributeValues v, AttributeSpec spec) {
    try {
      return v.string(spec);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
  }

  private static void checkUrl(String raw, String where) {
    try {
      URI u = new URI(raw);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          && u.getQuery() == null && u.getUserInfo() == null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ClientException("attribute 'Keystone URL' of " + where + " must be an http(s)"
        + " URL of Keystone v3, e.g. http://controller:5000/v3 (got '" + shown(raw) + "')");
  }

  private static int[] vlanRange(String raw, SegmentKind kind, String where) {
    if (raw.isEmpty()) {
      return new int[] {1, kind.max()};
    }
    String[] parts = raw.split("-", -1);
    try {
      int lo = Integer.parseInt(parts[0].strip());
      int hi = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : lo;
      if (parts.length <= 2 && lo >= 1 && hi <= kind.max() && lo <= hi) {
        return new int[] {lo, hi};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ClientException("attribute 'VLAN Range' of " + where + " must be FIRST-LAST"
        + " within 1-" + kind.max() + (kind == SegmentKind.VXLAN ? " (VNIs, VLAN Type VXLAN)"
        : "") + ", e.g. 1000-2999 (got '" + shown(raw) + "')");
  }

  private static String shown(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  @Override
  public String toString() {
    return "OpenStackSettings[provider=" + providerName + ", keystone=" + keystoneUrl
        + ", domain=" + domain + ", project=" + project + ", user=" + user
        + ", password=***, region=" + region + ", segments=" + segments + "]";
  }
}
