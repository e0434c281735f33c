package dev.hangar.driver.embedded;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** Connects to a libvirt URI and reports what answers there. */
public final class LibvirtProbe {
  private static volatile boolean quiet;

  private LibvirtProbe() {}

  /** What one libvirt connection reports. */
  public record Report(String uri, String driverType, String hostName, int runningDomains,
      String libvirtVersion) {}

  /** Opens {@code uri}, reads what it reports, closes it. */
  public static Report probe(String uri) throws LibvirtException {
    silenceLibvirtStderr();
    Connect c = new Connect(uri);
    try {
      long v = c.getLibVirVersion();
      String version = (v / 1_000_000) + "." + (v / 1000 % 1000) + "." + (v % 1000);
      return new Report(uri, c.getType(), c.getHostName(), c.numOfDomains(), version);
    } finally {
      c.close();
    }
  }

  /** libvirt prints every error on stderr unless a callback takes them; errors still throw. */
  public static void silenceLibvirtStderr() throws LibvirtException {
    if (!quiet) {
      Connect.setErrorCallback((userData, error) -> { });
      quiet = true;
    }
  }
}
