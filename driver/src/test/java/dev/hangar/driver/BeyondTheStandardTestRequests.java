package dev.hangar.driver;

/** Request texts the tests of the commands beyond the standard share. */
public final class BeyondTheStandardTestRequests {
  private BeyondTheStandardTestRequests() {}

  /** One SaveApp action of app "web" in saved sandbox sb-9 (CPU 2, Template debian-12.qcow2). */
  public static String save(String actionId, String sourceUuid) {
    return BeyondTheStandardTest.saveRequest(actionId, sourceUuid);
  }
}
