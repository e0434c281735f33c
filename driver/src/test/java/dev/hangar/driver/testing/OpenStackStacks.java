package dev.hangar.driver.testing;

import dev.hangar.driver.embedded.PrivateOpenStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Assumptions;

/** The shared {@link PrivateOpenStack} of the test JVM, as tests get it. */
public final class OpenStackStacks {
  private OpenStackStacks() {}

  /**
   * The shared stack, started on first use. Skips the test where the packages are missing,
   * except on CI ({@code CI=true}), where it fails it; fails it when the stack does not start.
   */
  public static PrivateOpenStack forTest() {
    String why = PrivateOpenStack.unavailableReason();
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI needs the OpenStack test stack: " + why);
      }
      Assumptions.abort(why);
    }
    try {
      return PrivateOpenStack.shared();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
