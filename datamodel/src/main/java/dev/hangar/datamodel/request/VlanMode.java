package dev.hangar.datamodel.request;

import java.util.Locale;

/** The port mode of a VLAN action. */
public enum VlanMode {
  ACCESS("Access"),
  TRUNK("Trunk");

  private final String wire;

  VlanMode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The mode for a wire string, case-insensitively; null for anything else. */
  public static VlanMode fromWire(String mode) {
    if (mode == null) {
      return null;
    }
    return switch (mode.strip().toLowerCase(Locale.ROOT)) {
      case "access" -> ACCESS;
      case "trunk" -> TRUNK;
      default -> null;
    };
  }
}
