package dev.hangar.driver.spi;

import java.util.Set;

/** Serves one Cloud Type. Implementations are listed in META-INF/services for ServiceLoader. */
public interface BackendProvider extends AutoCloseable {
  /** The provider attribute {@code Cloud Type} value this serves: KVM, AWS, OpenStack. */
  String cloudType();

  /** The deployment path names it deploys ({@code "KVM VM From Template"}, ...). */
  Set<String> deploymentPaths();

  /**
   * Opens a backend for one command. Cheap; the driver closes it when the command ends.
   *
   * @throws dev.hangar.driver.ClientException when the provider's attributes are unusable
   */
  Backend open(ProviderResource provider, CommandScope scope);

  /**
   * Ends what the provider keeps for the life of the process (connections, threads), so that
   * nothing of it keeps the JVM alive. The provider is unusable afterwards.
   */
  @Override
  default void close() {}
}
