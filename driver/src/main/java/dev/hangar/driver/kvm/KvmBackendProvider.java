package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
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
  private KvmRuntime runtime;
  private boolean closed;

  /** The provider ServiceLoader finds. */
  public KvmBackendProvider() {
    this(OvsdbConnectors::standard, KvmTimeouts.DEFAULT);
  }

  KvmBackendProvider(Supplier<OvsdbConnector> ovsdb, KvmTimeouts timeouts) {
    this.factory = () -> new KvmRuntime(new HypervisorConnections(CHANGES_PER_HOST), ovsdb.get(),
        new VmLocks(), new MemoryLedger(), timeouts);
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
    return new KvmBackend(KvmSettings.from(provider, scope), runtime());
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
