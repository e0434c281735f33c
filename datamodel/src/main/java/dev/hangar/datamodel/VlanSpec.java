package dev.hangar.datamodel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.BitSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A normalized set of VLAN ids (1–4094, or VNIs 1–16 777 215 for {@link SegmentKind#VXLAN}) as
 * servers send them in {@code vlanId}: {@code "4"},
 * {@code "10-11"}, {@code "100-200,300"}, {@code ["2"]} or the number {@code 42}.
 *
 * <p>{@link #toString()} prints the set back compactly ({@code "10-11,100-200,300"}); two specs
 * with the same VLANs are equal whatever form they arrived in.
 */
public final class VlanSpec {
  public static final int MIN = 1;
  public static final int MAX = 4094;
  private static final Pattern ITEM = Pattern.compile("\\s*(\\d{1,9})\\s*(?:-\\s*(\\d{1,9})\\s*)?");

  private final BitSet vlans;

  private VlanSpec(BitSet vlans) {
    this.vlans = vlans;
  }

  /** Parses one textual form: a VLAN, a range, or a comma-separated list of both. */
  public static VlanSpec parse(String text) {
    return parse(text, SegmentKind.VLAN);
  }

  /** {@link #parse(String)} for ids of {@code kind}. */
  public static VlanSpec parse(String text, SegmentKind kind) {
    if (text == null || text.isBlank()) {
      throw new VlanSpecException(kind.noun() + " id is empty");
    }
    BitSet set = new BitSet();
    addText(set, text, kind);
    return new VlanSpec(set);
  }

  /** Parses a {@code vlanId} JSON value: a string, an integral number, or a list of those. */
  public static VlanSpec parse(JsonNode node) {
    return parse(node, SegmentKind.VLAN);
  }

  /** {@link #parse(JsonNode)} for ids of {@code kind}. */
  public static VlanSpec parse(JsonNode node, SegmentKind kind) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new VlanSpecException(kind.noun() + " id is missing");
    }
    BitSet set = new BitSet();
    if (node.isArray()) {
      if (node.isEmpty()) {
        throw new VlanSpecException(kind.noun() + " id list is empty");
      }
      for (JsonNode item : node) {
        addScalar(set, item, kind);
      }
    } else {
      addScalar(set, node, kind);
    }
    return new VlanSpec(set);
  }

  /** A spec of exactly one VLAN. */
  public static VlanSpec of(int vlan) {
    BitSet set = new BitSet(MAX + 1);
    set.set(checked(vlan, SegmentKind.VLAN));
    return new VlanSpec(set);
  }

  private static void addScalar(BitSet set, JsonNode item, SegmentKind kind) {
    if (item.isIntegralNumber()) {
      set.set(checked(item.asLong(), kind));
    } else if (item.isTextual()) {
      if (item.asText().isBlank()) {
        throw new VlanSpecException(kind.noun() + " id is empty");
      }
      addText(set, item.asText(), kind);
    } else {
      throw new VlanSpecException(kind.noun()
          + " id must be a string, an integer or a list of those, not "
          + item.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static void addText(BitSet set, String text, SegmentKind kind) {
    for (String part : text.split(",", -1)) {
      Matcher m = ITEM.matcher(part);
      if (!m.matches()) {
        throw new VlanSpecException("'" + abbreviate(part.strip()) + "' is not a " + kind.noun()
            + " id or range"
            + " (expected forms: 4, 10-11, 100-200,300)");
      }
      int low = checked(Long.parseLong(m.group(1)), kind);
      int high = m.group(2) == null ? low : checked(Long.parseLong(m.group(2)), kind);
      if (high < low) {
        throw new VlanSpecException(kind.noun() + " range " + low + "-" + high + " is reversed");
      }
      set.set(low, high + 1);
    }
  }

  private static int checked(long vlan, SegmentKind kind) {
    if (vlan < MIN || vlan > kind.max()) {
      throw new VlanSpecException(kind.noun() + " " + vlan + " is outside " + MIN + "-"
          + kind.max());
    }
    return (int) vlan;
  }

  private static String abbreviate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }

  public boolean isSingle() {
    return vlans.cardinality() == 1;
  }

  /** The only VLAN of a single-VLAN spec. */
  public int single() {
    if (!isSingle()) {
      throw new VlanSpecException("expected one VLAN, got " + this);
    }
    return vlans.nextSetBit(0);
  }

  public int size() {
    return vlans.cardinality();
  }

  public boolean contains(int vlan) {
    return vlan >= MIN && vlans.get(vlan);
  }

  /** The VLANs in ascending order. */
  public List<Integer> toList() {
    List<Integer> out = new ArrayList<>(vlans.cardinality());
    vlans.stream().forEach(out::add);
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    int start = vlans.nextSetBit(0);
    while (start >= 0) {
      int end = vlans.nextClearBit(start) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(start);
      if (end > start) {
        sb.append('-').append(end);
      }
      start = vlans.nextSetBit(end + 1);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VlanSpec other && vlans.equals(other.vlans);
  }

  @Override
  public int hashCode() {
    return vlans.hashCode();
  }
}
