package dev.hangar.driver.embedded;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.libvirt.LibvirtException;

/**
 * The embedded default of one process: libvirt's in-process {@code test:///default} with the
 * storage pool and template volume the samples name, and a private {@code ovsdb-server} with
 * bridge {@code br-int}. Its VMs live in this process only, so their switch ports belong in a
 * switch that lives as long: with {@link #registry()}, a provider whose hypervisor is
 * {@code test:///default} and whose 'OVSDB Remote' is empty (its default) uses this one, and a
 * provider left at every default works. Started on first use, or at once with {@link #start()};
 * {@link #close()} stops what was started.
 */
public final class EmbeddedDefault implements AutoCloseable {
  /** The template volume of the samples' template Deploy, made empty in the pool. */
  public static final String TEMPLATE = "debian-12-template.qcow2";
  /** The bridge of the private ovsdb-server. */
  public static final String BRIDGE = "br-int";

  private final Consumer<String> notices;
  private EmbeddedHypervisor hypervisor;
  private PrivateOvsdbServer ovsdb;
  private boolean closed;

  private EmbeddedDefault(Consumer<String> notices) {
    this.notices = notices;
  }

  /** An embedded default that starts when a command first names {@code test:///default}. */
  public static EmbeddedDefault onFirstUse(Consumer<String> notices) {
    return new EmbeddedDefault(notices);
  }

  /** An embedded default started now. */
  public static EmbeddedDefault start() throws IOException {
    EmbeddedDefault d = new EmbeddedDefault(line -> { });
    d.ovsdbRemote();
    return d;
  }

  /**
   * The installed backends, the KVM one pointing {@code test:///default} at this embedded
   * default. Closing the registry leaves this object running.
   */
  public BackendRegistry registry() {
    return BackendRegistry.loadInstalled(p -> p instanceof KvmBackendProvider
        ? KvmBackendProvider.withEmbeddedDefault(EmbeddedHypervisor.URI, this::readyRemote)
        : p);
  }

  /** The private ovsdb-server's TCP remote, starting the embedded default first if needed. */
  public synchronized String ovsdbRemote() throws IOException {
    if (closed) {
      throw new IllegalStateException("the embedded default was stopped");
    }
    if (ovsdb == null) {
      try {
        if (hypervisor == null) {
          hypervisor = EmbeddedHypervisor.open();
        }
        hypervisor.ensureTemplates(List.of(TEMPLATE));
      } catch (LibvirtException e) {
        throw new IOException("cannot open libvirt's " + EmbeddedHypervisor.URI + ": "
            + e.getMessage(), e);
      }
      ovsdb = PrivateOvsdbServer.start(BRIDGE);
      notices.accept("embedded default: " + EmbeddedHypervisor.URI + " (pool '"
          + EmbeddedHypervisor.POOL + "', template " + TEMPLATE + ") and a private ovsdb-server"
          + " (pid " + ovsdb.pid() + ", " + ovsdb.tcpRemote() + ", bridge " + BRIDGE + "),"
          + " for this process only");
    }
    return ovsdb.tcpRemote();
  }

  /** The pid of the private ovsdb-server, or -1 before it started. */
  public synchronized long ovsdbPid() {
    return ovsdb == null ? -1 : ovsdb.pid();
  }

  private String readyRemote() {
    try {
      return ovsdbRemote();
    } catch (IOException e) {
      throw BackendException.unavailable("the embedded default of " + EmbeddedHypervisor.URI
          + " cannot start: " + e.getMessage(), e);
    }
  }

  /** Stops the ovsdb-server and removes the pool this object made; idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    try {
      if (ovsdb != null) {
        ovsdb.close();
      }
    } finally {
      ovsdb = null;
      if (hypervisor != null) {
        try {
          hypervisor.close();
        } catch (LibvirtException e) {
          notices.accept("embedded default: closing " + EmbeddedHypervisor.URI + ": "
              + e.getMessage());
        }
        hypervisor = null;
      }
    }
  }
}
