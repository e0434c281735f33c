package dev.hangar.driver.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The backends a driver can use, by Cloud Type. {@link #loadInstalled()} finds them through
 * {@link ServiceLoader}; tests fill an {@link #empty()} registry by hand.
 */
public final class BackendRegistry implements AutoCloseable {
  private final Map<String, BackendProvider> providers = new ConcurrentHashMap<>();

  private BackendRegistry() {}

  public static BackendRegistry empty() {
    return new BackendRegistry();
  }

  /** The providers listed in META-INF/services/dev.hangar.driver.spi.BackendProvider. */
  public static BackendRegistry loadInstalled() {
    return loadInstalled(Thread.currentThread().getContextClassLoader());
  }

  /** The providers that {@code loader} lists in META-INF/services. */
  public static BackendRegistry loadInstalled(ClassLoader loader) {
    return loadInstalled(loader, UnaryOperator.identity());
  }

  /**
   * The installed providers, each as {@code adapt} gives it back: a process that runs something
   * of its own (an embedded hypervisor, say) swaps in a provider configured for it.
   */
  public static BackendRegistry loadInstalled(UnaryOperator<BackendProvider> adapt) {
    return loadInstalled(Thread.currentThread().getContextClassLoader(), adapt);
  }

  private static BackendRegistry loadInstalled(ClassLoader loader,
      UnaryOperator<BackendProvider> adapt) {
    BackendRegistry r = new BackendRegistry();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class, loader)) {
      r.register(adapt.apply(p));
    }
    return r;
  }

  /** Adds a provider; a second provider for the same Cloud Type is a configuration error. */
  public BackendRegistry register(BackendProvider provider) {
    BackendProvider previous = providers.putIfAbsent(provider.cloudType(), provider);
    if (previous != null && previous != provider) {
      throw new IllegalStateException("two backends for Cloud Type " + provider.cloudType() + ": "
          + previous.getClass().getName() + " and " + provider.getClass().getName());
    }
    return this;
  }

  public Optional<BackendProvider> forCloudType(String cloudType) {
    return Optional.ofNullable(providers.get(cloudType));
  }

  /** Closes every provider; one failing to close does not keep the others open. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (BackendProvider p : providers.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The installed providers by Cloud Type, sorted. */
  public Collection<BackendProvider> providers() {
    return Collections.unmodifiableCollection(new TreeMap<>(providers).values());
  }
}
