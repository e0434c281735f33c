package dev.hangar.host.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.testing.InMemoryCloud;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The metered registry: the same backends answer, and every SPI call is counted by outcome. */
class MeteredBackendsTest {
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private final CommandScope scope = new CommandScope("test", null, null, null,
      new SecretRedactor());
  private final ProviderResource provider = new ProviderResource("prov",
      "Hangar Cloud Provider", Map.of("Cloud Type", "KVM"));

  @Test
  void everyOperationIsPassedOnAndCountedWithItsOutcome() {
    HostMetrics metrics = HostMetrics.prometheus();
    BackendRegistry metered = metrics.meter(BackendRegistry.empty().register(kvm));
    assertThat(metered.forCloudType("KVM")).get()
        .satisfies(p -> assertThat(p.deploymentPaths()).isEqualTo(kvm.deploymentPaths()));
    try (Backend backend = metered.forCloudType("KVM").orElseThrow().open(provider, scope)) {
      backend.validate();
      kvm.failNext("validate", new ClientException("the Hypervisors attribute is empty"));
      assertThatThrownBy(backend::validate).isInstanceOf(ClientException.class)
          .hasMessage("the Hypervisors attribute is empty");
      assertThat(backend.l2Fabric().orElseThrow().apply(List.of(), scope)).isEmpty();
      assertThat(backend.l3Fabric().orElseThrow().setSecurityGroups(List.of(), scope)).isEmpty();
      DeployedVm vm = new DeployedVm("web", "uid-1", null, null);
      backend.compute().willReadDetails(List.of(vm), scope);
      assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(
          OptionalInt.of(2), OptionalLong.empty(), Map.of()), scope))
          .isInstanceOf(UnsupportedOperationException.class);
    }
    assertThat(kvm.log()).as("each call reached the cloud").containsExactly("validate", "validate",
        "applyVlans 0", "securityGroups 0");
    assertThat(calls(metrics, "open", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "validate", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "validate", "client_error")).isEqualTo(1);
    assertThat(calls(metrics, "l2_apply", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "l3_set_security_groups", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "read_details_batch", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "reconfigure", "unsupported")).isEqualTo(1);
    assertThat(metrics.registry().find("hangar.backend.errors").counters())
        .extracting(c -> c.getId().getTag("operation") + "/" + c.getId().getTag("outcome"))
        .containsExactlyInAnyOrder("validate/client_error", "reconfigure/unsupported");
    metrics.close();
  }

  @Test
  void withoutMetricsTheRegistryIsLeftAsItIs() {
    BackendRegistry plain = BackendRegistry.empty().register(kvm);
    assertThat(HostMetrics.none().meter(plain)).isSameAs(plain);
    assertThat(HostMetrics.none().enabled()).isFalse();
    assertThatThrownBy(() -> HostMetrics.none().scrape()).isInstanceOf(
        IllegalStateException.class);
  }

  private static double calls(HostMetrics metrics, String operation, String outcome) {
    Counter c = metrics.registry().find("hangar.backend.calls").tag("backend", "KVM")
        .tag("operation", operation).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }
}
