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
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.testing.InMemoryCloud;
import io.micrometer.core.instrument.Counter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
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

  /**
   * Walks the SPI from {@link BackendProvider} down, by reflection, so that a method added to
   * any of its interfaces is covered here without a line: each accessor of a part
   * ({@code snapshots()}, {@code recovery()}, ...) must hand out the part, each other method
   * must reach the cloud, answer the cloud's very value, and be counted once under an operation
   * of its own, with its outcome when the cloud refuses.
   */
  @Test
  void everySpiMethodIsPassedOnAndCountedUnderAnOperationOfItsOwn() throws Exception {
    EverySpiCloud cloud = new EverySpiCloud();
    HostMetrics metrics = HostMetrics.prometheus();
    BackendProvider metered = metrics.meter(BackendRegistry.empty().register(cloud))
        .forCloudType(EverySpiCloud.CLOUD_TYPE).orElseThrow();
    Map<String, String> operations = new TreeMap<>();
    walk(BackendProvider.class, metered, cloud, cloud, metrics, operations);

    assertThat(operations).as("a method of every SPI part was called")
        .containsKeys("BackendProvider.open", "Backend.validate", "ComputeService.deploy",
            "L2Fabric.apply", "L3Fabric.cleanup", "SnapshotService.restore",
            "SavedAppService.delete", "AttributeAdvisor.hints", "Reaper.reap",
            "Planner.connectivity", "HostRecovery.recover");
    assertThat(Set.copyOf(operations.values())).as("one operation label per SPI method: "
        + operations).hasSameSizeAs(operations.values());
    assertThat(operations).containsEntry("Reaper.reap", "reap")
        .containsEntry("SnapshotService.save", "snapshot_save")
        .containsEntry("Planner.deploy", "plan_deploy")
        .containsEntry("HostRecovery.recover", "recover");
    metrics.close();
  }

  /** Methods that are not calls into the cloud: what a provider is, and ending things. */
  private static final Set<String> NOT_CALLS = Set.of("BackendProvider.cloudType",
      "BackendProvider.deploymentPaths", "BackendProvider.close", "Backend.close");

  private void walk(Class<?> spi, Object metered, Object plain, EverySpiCloud cloud,
      HostMetrics metrics, Map<String, String> operations) throws Exception {
    for (Method m : spi.getMethods()) {
      String name = spi.getSimpleName() + "." + m.getName();
      if (Modifier.isStatic(m.getModifiers()) || NOT_CALLS.contains(name)) {
        continue;
      }
      Class<?> part = spiPart(m.getGenericReturnType());
      if (part != null && m.getParameterCount() == 0) {
        // An accessor: not a call of its own, but what it hands out must be metered too.
        assertThat(present(m.invoke(plain))).as("EverySpiCloud lacks " + name + ": add it")
            .isNotNull();
        Map<String, Double> before = counts(metrics, "hangar.backend.calls");
        Object inner = present(m.invoke(metered));
        assertThat(inner).as("the metered backend drops " + name).isNotNull();
        assertThat(counts(metrics, "hangar.backend.calls")).isEqualTo(before);
        walk(part, inner, present(m.invoke(plain)), cloud, metrics, operations);
        continue;
      }
      Object[] args = arguments(m);
      Map<String, Double> calls = counts(metrics, "hangar.backend.calls");
      int logged = cloud.log().size();
      Object answer = m.invoke(metered, args);
      assertThat(cloud.log().subList(logged, cloud.log().size())).as(name + " reached the cloud")
          .containsExactly(name);
      if (m.getReturnType() != void.class && part == null) {
        assertThat(answer).as(name + " answers the cloud's value").isSameAs(cloud.lastAnswer());
      }
      String operation = onlyIncrement(calls, counts(metrics, "hangar.backend.calls"), name);
      assertThat(operation).as(name + " counted as a success").endsWith("/ok");
      operation = operation.substring(0, operation.indexOf('/'));
      operations.put(name, operation);

      cloud.failing = true;
      Map<String, Double> errors = counts(metrics, "hangar.backend.errors");
      calls = counts(metrics, "hangar.backend.calls");
      try {
        m.invoke(metered, args);
        throw new AssertionError(name + " did not pass the cloud's refusal on");
      } catch (InvocationTargetException e) {
        assertThat(e.getCause()).isInstanceOf(ClientException.class)
            .hasMessage(name + " refused");
      } finally {
        cloud.failing = false;
      }
      assertThat(onlyIncrement(calls, counts(metrics, "hangar.backend.calls"), name))
          .isEqualTo(operation + "/client_error");
      assertThat(onlyIncrement(errors, counts(metrics, "hangar.backend.errors"), name))
          .isEqualTo(operation + "/client_error");
      if (part != null) {
        // A call that opens a part (BackendProvider.open): walk what it opened too.
        walk(part, answer, cloud.lastAnswer(), cloud, metrics, operations);
      }
    }
  }

  /** The SPI interface a method hands out, directly or in an Optional; else null. */
  private static Class<?> spiPart(Type returned) {
    Type t = returned;
    if (t instanceof ParameterizedType p && p.getRawType() == Optional.class) {
      t = p.getActualTypeArguments()[0];
    }
    return t instanceof Class<?> c && c.isInterface()
        && c.getPackage() == Backend.class.getPackage() ? c : null;
  }

  private static Object present(Object o) {
    return o instanceof Optional<?> opt ? opt.orElse(null) : o;
  }

  /** Plain values of each parameter's type; the test cloud reads none of them. */
  private Object[] arguments(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      args[i] = t == CommandScope.class ? scope : t == boolean.class ? false
          : t == String.class ? "x" : t == List.class ? List.of() : t == Map.class ? Map.of()
          : t == Instant.class ? Instant.EPOCH : null;
    }
    return args;
  }

  /** The one "operation/outcome" of {@code after} that is one more than in {@code before}. */
  private static String onlyIncrement(Map<String, Double> before, Map<String, Double> after,
      String call) {
    Map<String, Double> grown = new TreeMap<>();
    after.forEach((k, v) -> {
      double d = v - before.getOrDefault(k, 0.0);
      if (d != 0) {
        grown.put(k, d);
      }
    });
    assertThat(grown).as(call + " is counted once").hasSize(1).containsValue(1.0);
    return grown.keySet().iterator().next();
  }

  private static Map<String, Double> counts(HostMetrics metrics, String name) {
    Map<String, Double> counts = new HashMap<>();
    for (Counter c : metrics.registry().find(name).tag("backend", EverySpiCloud.CLOUD_TYPE)
        .counters()) {
      counts.put(c.getId().getTag("operation") + "/" + c.getId().getTag("outcome"), c.count());
    }
    return counts;
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
