package dev.hangar.driver.kvm;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop on one daemon thread. Keepalive on remote connections needs it:
 * without it a partitioned hypervisor leaves calls blocked until TCP gives up (minutes).
 */
final class LibvirtEventLoop {
  private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);
  private static boolean started;

  private LibvirtEventLoop() {}

  /** Registers and starts the loop once per process; must run before connections open. */
  static synchronized void ensureRunning() {
    if (started) {
      return;
    }
    started = true;
    try {
      Library.initEventLoop();
    } catch (LibvirtException | UnsatisfiedLinkError e) {
      log.warn("libvirt event loop unavailable; remote hosts get no keepalive: {}", e.toString());
      return;
    }
    Thread t = new Thread(() -> {
      try {
        Library.runEventLoop();
      } catch (LibvirtException e) {
        log.warn("libvirt event loop stopped: {}", LibvirtErrors.text(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "hangar-libvirt-events");
    t.setDaemon(true);
    t.start();
  }
}
