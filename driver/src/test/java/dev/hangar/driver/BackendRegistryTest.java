package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.aws.AwsBackendProvider;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.testing.InMemoryCloud;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendRegistryTest {
  /** Found by ServiceLoader; needs a public no-arg constructor. Its Cloud Type is no real one,
   * so that it never meets an installed backend's. */
  public static final class ListedProvider implements BackendProvider {
    @Override
    public String cloudType() {
      return "Listed";
    }

    @Override
    public Set<String> deploymentPaths() {
      return Set.of("Listed Instance");
    }

    @Override
    public Backend open(ProviderResource provider, CommandScope scope) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void serviceLoaderFindsTheProvidersListedInMetaInfServices(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(BackendProvider.class.getName()),
        "# a comment\n" + ListedProvider.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      BackendRegistry r = BackendRegistry.loadInstalled(loader);
      assertThat(r.forCloudType("Listed")).get().isInstanceOf(ListedProvider.class);
      // The test class path's own listing is seen through the parent loader.
      assertThat(r.forCloudType("AWS")).get().isInstanceOf(AwsBackendProvider.class);
    }
  }

  @Test
  void theProductionClasspathInstallsTheKvmAwsAndOpenStackBackends() {
    try (BackendRegistry r = BackendRegistry.loadInstalled()) {
      assertThat(r.providers()).extracting(BackendProvider::cloudType)
          .containsExactly("AWS", "KVM", "OpenStack");
      assertThat(r.forCloudType("OpenStack")).get().extracting(BackendProvider::deploymentPaths)
          .isEqualTo(Set.of("OpenStack Instance"));
      assertThat(r.forCloudType("AWS")).get().extracting(BackendProvider::deploymentPaths)
          .isEqualTo(Set.of("AWS EC2 Instance"));
      assertThat(r.forCloudType("KVM")).get().extracting(BackendProvider::deploymentPaths)
          .isEqualTo(Set.of("KVM VM From Template", "KVM VM From Kernel"));
    }
  }

  @Test
  void twoProvidersForOneCloudTypeIsAnError() {
    BackendRegistry r = BackendRegistry.empty().register(InMemoryCloud.kvm());
    assertThatThrownBy(() -> r.register(InMemoryCloud.kvm()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("two backends for Cloud"
            + " Type KVM");
  }
}
