package dev.hangar.testing;

import java.util.function.Supplier;

/**
 * What a test needs from the machine (a daemon's package, root, namespaces). Missing on a
 * developer's machine, the test is skipped with the reason; missing on CI ({@code CI=true}, where
 * {@code bin/test} installs everything), the test fails: a CI run never passes by skipping.
 */
public final class Daemons {
  private Daemons() {}

  public static void need(boolean present, String reason) {
    need(present, () -> reason);
  }

  public static void need(boolean present, Supplier<String> reason) {
    if (present) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("needed on CI (bin/test installs it): " + reason.get());
    }
    Daemons.need(false, reason);
  }
}
