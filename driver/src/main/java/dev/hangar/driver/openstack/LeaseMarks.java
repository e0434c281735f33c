package dev.hangar.driver.openstack;

import dev.hangar.driver.spi.SandboxLease;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link SandboxLease} marks of OpenStack objects: which sandbox an object is of, when that
 * sandbox expires and whose domain it is. Servers and images carry them as metadata or
 * properties ({@link #SANDBOX}, {@link #EXPIRES}, {@link #DOMAIN}); Neutron objects as the end
 * of their description, {@code [hangar sandbox=S expires=E domain=D]}, set in the create call
 * (a tag would be a second call that a crash can miss). The sandbox and the domain are
 * URL-encoded there so that no value can end the mark early or forge another.
 */
final class LeaseMarks {
  /** Metadata key and image property: the sandbox (as {@link Marks#SANDBOX}). */
  static final String SANDBOX = Marks.SANDBOX;
  /** Metadata key and image property: the sandbox's expiry, ISO-8601 or "never". */
  static final String EXPIRES = "hangar-expires";
  /** Metadata key and image property: the reservation's owner domain. */
  static final String DOMAIN = "hangar-domain";
  /** Neutron limits a description to 255 characters. */
  static final int MAX_DESCRIPTION = 255;
  private static final Pattern TAIL = Pattern.compile(
      "\\[hangar sandbox=(\\S*) expires=(\\S+) domain=(\\S*)\\]$");

  private LeaseMarks() {}

  /** A lease as read back from an object. */
  record Mark(String sandbox, String expires, String domain) {}

  /** The metadata (or image properties) of the lease. */
  static Map<String, String> metadata(SandboxLease lease) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(EXPIRES, lease.expiresMark());
    m.put(DOMAIN, clip(lease.ownerDomain(), 255));
    return m;
  }

  /** The lease read from server metadata or image properties; empty without a sandbox. */
  static Optional<Mark> fromMetadata(Map<String, ?> m) {
    if (m == null) {
      return Optional.empty();
    }
    String sandbox = str(m.get(SANDBOX));
    if (sandbox.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Mark(sandbox, str(m.get(EXPIRES)), str(m.get(DOMAIN))));
  }

  /**
   * A Neutron description: {@code base} (clipped so that the mark fits) followed by the lease
   * mark of {@code lease}.
   */
  static String description(String base, SandboxLease lease) {
    String tail = "[hangar sandbox=" + enc(clip(lease.reservationId(), 120)) + " expires="
        + lease.expiresMark() + " domain=" + enc(clip(lease.ownerDomain(), 40)) + "]";
    String b = base == null ? "" : base;
    if (b.isEmpty()) {
      return tail;
    }
    return clip(b, MAX_DESCRIPTION - tail.length() - 1) + " " + tail;
  }

  /** The description without its lease mark (what an earlier version wrote). */
  static String base(String description) {
    if (description == null) {
      return "";
    }
    Matcher m = TAIL.matcher(description);
    return m.find() ? description.substring(0, m.start()).stripTrailing() : description;
  }

  /** The lease mark at the end of a Neutron description; empty when there is none. */
  static Optional<Mark> fromDescription(String description) {
    if (description == null) {
      return Optional.empty();
    }
    Matcher m = TAIL.matcher(description);
    if (!m.find() || m.group(1).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Mark(dec(m.group(1)), m.group(2), dec(m.group(3))));
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static String clip(String s, int max) {
    String v = s == null ? "" : s;
    return v.length() > max ? v.substring(0, Math.max(0, max)) : v;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
