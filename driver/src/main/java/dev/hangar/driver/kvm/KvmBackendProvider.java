package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.DeployPolicy;
import dev.hangar.options.DeploymentOptions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Cloud Type {@code KVM}: VMs on libvirt hypervisors, their vNICs on Open vSwitch (Networking
 * type L2). Deployment paths: {@code KVM VM From Template}, {@code KVM VM From Kernel}.
 *
 * <p>Connections to hypervisors and OVSDB servers are made on first use and shared by every
 * command of the process; {@link #close()} ends them.
 */
public final class KvmBackendProvider implements BackendProvider {
  /** At most this many state changes (define, start, stop, undefine) run at once per host. */
  static final int CHANGES_PER_HOST = 8;

  private final Supplier<KvmRuntime> factory;
  /** The embedded hypervisor's URI, or null where this process runs no embedded default. */
  private final String embeddedUri;
  private final Supplier<String> embeddedOvsdb;
  private KvmRuntime runtime;
  private boolean closed;

  /** The provider ServiceLoader finds. */
  public KvmBackendProvider() {
    this(OvsdbConnectors::standard, KvmTimeouts.DEFAULT);
  }

  KvmBackendProvider(Supplier<OvsdbConnector> ovsdb, KvmTimeouts timeouts) {
    this(ovsdb, timeouts, null, null);
  }

  private KvmBackendProvider(Supplier<OvsdbConnector> ovsdb, KvmTimeouts timeouts,
      String embeddedUri, Supplier<String> embeddedOvsdb) {
    this.factory = () -> new KvmRuntime(new HypervisorConnections(CHANGES_PER_HOST), ovsdb.get(),
        new VmLocks(), new MemoryLedger(), timeouts);
    this.embeddedUri = embeddedUri;
    this.embeddedOvsdb = embeddedOvsdb;
  }

  /**
   * The provider of a process that runs an embedded hypervisor ({@code embeddedUri}, such as
   * libvirt's in-process {@code test:///default}), whose VMs and switch ports mean nothing outside
   * this process. A command that names that hypervisor first asks {@code prepare}, which readies
   * the embedded default and answers its OVSDB remote; for that hypervisor an empty 'OVSDB
   * Remote' means that remote instead of the machine's own OVSDB. A command that never names it
   * starts nothing.
   */
  public static KvmBackendProvider withEmbeddedDefault(String embeddedUri,
      Supplier<String> prepare) {
    return new KvmBackendProvider(OvsdbConnectors::standard, KvmTimeouts.DEFAULT,
        java.util.Objects.requireNonNull(embeddedUri), java.util.Objects.requireNonNull(prepare));
  }

  @Override
  public String cloudType() {
    return "KVM";
  }

  @Override
  public Set<String> deploymentPaths() {
    return Set.of(DeploymentOptions.KVM_FROM_TEMPLATE.name(),
        DeploymentOptions.KVM_FROM_KERNEL.name());
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    String networking = provider.networkingType();
    if (!"L2".equals(networking)) {
      throw new ClientException("cloud provider '" + provider.name() + "': Cloud Type KVM"
          + " supports Networking type L2 only, not " + networking);
    }
    KvmSettings settings = KvmSettings.from(provider, scope, this::defaultOvsdb);
    if (embeddedUri != null && settings.hypervisors().stream()
        .anyMatch(h -> h.uri().equals(embeddedUri))) {
      embeddedOvsdb.get(); // readies the embedded pool and template, whatever the OVSDB Remote
    }
    return new KvmBackend(settings, runtime(),
        () -> DeployPolicy.of(provider, scope, java.time.Clock.systemUTC()));
  }

  /** The OVSDB of a hypervisor whose 'OVSDB Remote' is empty. */
  private String defaultOvsdb(String uri) {
    return embeddedUri != null && embeddedUri.equals(uri) ? embeddedOvsdb.get()
        : KvmSettings.DEFAULT_OVSDB;
  }

  /** The shared runtime (made on first use); tests reach the same libvirt connections. */
  synchronized KvmRuntime runtimeForTests() {
    return runtime();
  }

  private synchronized KvmRuntime runtime() {
    if (closed) {
      throw new IllegalStateException("the KVM backend was closed");
    }
    if (runtime == null) {
      runtime = factory.get();
    }
    return runtime;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }
}
