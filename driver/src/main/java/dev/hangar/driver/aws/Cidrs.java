package dev.hangar.driver.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IPv4 CIDR blocks: parsing (strictly: the address must be the network's), containment, overlap. */
final class Cidrs {
  private static final Pattern CIDR =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  /** A block as network address and prefix length. */
  record Block(long network, int prefix) {
    long size() {
      return 1L << (32 - prefix);
    }

    boolean contains(Block other) {
      return other.prefix >= prefix && (other.network & mask(prefix)) == network;
    }

    boolean overlaps(Block other) {
      return contains(other) || other.contains(this);
    }

    @Override
    public String toString() {
      return ((network >> 24) & 255) + "." + ((network >> 16) & 255) + "."
          + ((network >> 8) & 255) + "." + (network & 255) + "/" + prefix;
    }
  }

  private Cidrs() {}

  static Block parse(String text) {
    Matcher m = CIDR.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + shown(text) + "' is not an IPv4 CIDR like"
          + " 10.0.0.0/24");
    }
    long ip = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("'" + shown(text) + "' is not an IPv4 CIDR");
      }
      ip = (ip << 8) | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix > 32) {
      throw new IllegalArgumentException("'" + shown(text) + "': the prefix must be 0-32");
    }
    if ((ip & mask(prefix)) != ip) {
      throw new IllegalArgumentException("'" + shown(text) + "' has host bits set; the network is "
          + new Block(ip & mask(prefix), prefix));
    }
    return new Block(ip, prefix);
  }

  /** Comma- or space-separated CIDRs; empty text is an empty list. */
  static List<Block> parseList(String text) {
    List<Block> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String s : text.split("[,\\s]+")) {
      if (!s.isBlank()) {
        out.add(parse(s));
      }
    }
    return out;
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  private static String shown(String s) {
    String v = String.valueOf(s);
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
