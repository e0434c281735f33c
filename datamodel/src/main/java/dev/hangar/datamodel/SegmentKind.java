package dev.hangar.datamodel;

import java.util.Locale;

/**
 * What the ids of setVlan/removeVlan are, by the provider's standard {@code VLAN Type}
 * attribute: 802.1Q VLANs (1–4094) or VXLAN network identifiers (VNIs, 1–16 777 215).
 */
public enum SegmentKind {
  VLAN("VLAN", 4094),
  VXLAN("VNI", 16_777_215);

  private final String noun;
  private final int max;

  SegmentKind(String noun, int max) {
    this.noun = noun;
    this.max = max;
  }

  /** What one id is called in messages: "VLAN" or "VNI". */
  public String noun() {
    return noun;
  }

  /** The highest id (the lowest is 1). */
  public int max() {
    return max;
  }

  /**
   * The kind a {@code VLAN Type} value names; empty or null is VLAN (the attribute's default).
   *
   * @throws IllegalArgumentException for any other value, with a message naming the choices
   */
  public static SegmentKind ofVlanType(String vlanType) {
    if (vlanType == null || vlanType.isBlank()) {
      return VLAN;
    }
    return switch (vlanType.strip().toUpperCase(Locale.ROOT)) {
      case "VLAN" -> VLAN;
      case "VXLAN" -> VXLAN;
      default -> throw new IllegalArgumentException("attribute 'VLAN Type' is '" + vlanType
          + "'; use VLAN or VXLAN");
    };
  }
}
