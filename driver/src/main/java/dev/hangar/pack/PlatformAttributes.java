package dev.hangar.pack;

import java.util.Map;
import java.util.Optional;

/**
 * Provider attributes the package declares although the driver never reads them: the platform
 * itself reads them, or they are standard attributes no backend needs yet. A test keeps this list
 * exact: every declared attribute is read by the driver or listed here, and nothing listed here is
 * read by the driver.
 */
public final class PlatformAttributes {
  private static final String BRIDGE = "the shell's Python driver reads it on the execution"
      + " server to reach the host";
  private static final Map<String, String> REASONS = Map.of(
      "Sandbox Host", BRIDGE, "Sandbox Host Token", BRIDGE, "Sandbox Host CA", BRIDGE);

  private PlatformAttributes() {}

  /** Why the platform, not the driver, reads {@code attribute}; empty when the driver reads it. */
  public static Optional<String> reason(String attribute) {
    return Optional.ofNullable(REASONS.get(attribute));
  }

  /** The attribute names listed. */
  public static java.util.Set<String> names() {
    return REASONS.keySet();
  }
}
