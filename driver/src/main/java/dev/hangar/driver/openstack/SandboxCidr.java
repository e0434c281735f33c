package dev.hangar.driver.openstack;

import dev.hangar.driver.ClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 CIDR block of an L3 sandbox, parsed strictly (the address must be the network's), with
 * containment and overlap: the sandbox network's and subnets' CIDRs, and the provider's
 * 'Networks in use'.
 */
record SandboxCidr(long network, int prefix) {
  private static final Pattern CIDR =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  /** Parses {@code text}; bad input is a ClientException naming {@code what}. */
  static SandboxCidr parse(String text, String what) {
    Matcher m = CIDR.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new ClientException(what + ": '" + shown(text) + "' is not an IPv4 CIDR like"
          + " 10.0.0.0/24");
    }
    long ip = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new ClientException(what + ": '" + shown(text) + "' is not an IPv4 CIDR");
      }
      ip = (ip << 8) | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix > 32) {
      throw new ClientException(what + ": '" + shown(text) + "': the prefix must be 0-32");
    }
    if ((ip & mask(prefix)) != ip) {
      throw new ClientException(what + ": '" + shown(text) + "' has host bits set; the"
          + " network is " + new SandboxCidr(ip & mask(prefix), prefix));
    }
    return new SandboxCidr(ip, prefix);
  }

  /** Comma- or space-separated CIDRs; empty text is an empty list. */
  static List<SandboxCidr> parseList(String text, String what) {
    List<SandboxCidr> out = new ArrayList<>();
    for (String s : text == null ? new String[0] : text.split("[,\\s]+")) {
      if (!s.isBlank()) {
        out.add(parse(s, what));
      }
    }
    return out;
  }

  boolean contains(SandboxCidr other) {
    return other.prefix >= prefix && (other.network & mask(prefix)) == network;
  }

  boolean overlaps(SandboxCidr other) {
    return contains(other) || other.contains(this);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  private static String shown(String s) {
    String v = String.valueOf(s);
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }

  @Override
  public String toString() {
    return ((network >> 24) & 255) + "." + ((network >> 16) & 255) + "."
        + ((network >> 8) & 255) + "." + (network & 255) + "/" + prefix;
  }
}
