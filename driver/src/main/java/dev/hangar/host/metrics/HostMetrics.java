package dev.hangar.host.metrics;

import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The host's meters, named as Prometheus expects them once Micrometer has added units and
 * suffixes:
 * <ul>
 *   <li>{@code hangar_commands_total{command,outcome}}: commands ended, by the standard's name and
 *       the gRPC status code they were answered with (per-action failures are inside an OK);
 *   <li>{@code hangar_command_seconds{command}}: their latency, a histogram
 *       ({@code _bucket{le}}, {@code _count}, {@code _sum});
 *   <li>{@code hangar_commands_in_flight}, {@code hangar_commands_queued}: the command limiter
 *       now, beside its bounds {@code hangar_commands_max_running} and
 *       {@code hangar_commands_max_queued};
 *   <li>{@code hangar_callbacks_total{method,outcome}} and {@code hangar_callback_seconds{method}}:
 *       calls back to the orchestrator's API;
 *   <li>{@code hangar_backend_calls_total{backend,operation,outcome}},
 *       {@code hangar_backend_errors_total{backend,operation,outcome}} and
 *       {@code hangar_backend_call_seconds{backend,operation}}: calls through the backend SPI
 *       ({@link MeteredBackends});
 *   <li>the JVM's and the process's own ({@code jvm_*}, {@code process_*}, {@code system_*}).
 * </ul>
 * Label values come from fixed sets only, never from a request.
 */
public final class HostMetrics implements AutoCloseable {
  /** Latency histograms span 1 ms to 30 min: a Deploy on a real cloud takes minutes. */
  private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
  private static final Duration MAX_EXPECTED = Duration.ofMinutes(30);

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;

  private HostMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus,
      JvmGcMetrics gc) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.gc = gc;
  }

  /** Metrics kept for Prometheus, with the JVM's and the process's own. */
  public static HostMetrics prometheus() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(r);
    return new HostMetrics(r, r, gc);
  }

  /** No metrics: every meter is a no-op (a registry without children). */
  public static HostMetrics none() {
    return new HostMetrics(new CompositeMeterRegistry(), null, null);
  }

  /** Whether {@link #scrape} has anything to serve. */
  public boolean enabled() {
    return prometheus != null;
  }

  /** The Prometheus text exposition format (version 0.0.4) of every meter now. */
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException("metrics are off");
    }
    return prometheus.scrape();
  }

  /** The registry, for meters of the host's own parts. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A command ended with {@code code} after {@code nanos}; {@code name} is its label in the
   * host's log line (the standard's name, from a fixed set).
   */
  public void commandEnded(String name, Status.Code code, long nanos) {
    Counter.builder("hangar.commands").description("Commands ended, by the gRPC status code"
        + " they were answered with").tag("command", name).tag("outcome", code.name())
        .register(registry).increment();
    Timer.builder("hangar.command").description("How long commands took, queueing included")
        .tag("command", name).publishPercentileHistogram()
        .minimumExpectedValue(MIN_EXPECTED).maximumExpectedValue(MAX_EXPECTED)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Shows the command limiter: {@code running} and {@code queued} now, beside its bounds.
   */
  public void bindLimiter(IntSupplier running, IntSupplier queued, int maxRunning,
      int maxQueued) {
    Gauge.builder("hangar.commands.in.flight", running::getAsInt)
        .description("Commands running now").register(registry);
    Gauge.builder("hangar.commands.queued", queued::getAsInt)
        .description("Commands waiting for a free slot").register(registry);
    Gauge.builder("hangar.commands.max.running", () -> maxRunning)
        .description("Commands run at once at most (--max-commands)").register(registry);
    Gauge.builder("hangar.commands.max.queued", () -> maxQueued)
        .description("Commands that may wait (--max-queued); beyond, RESOURCE_EXHAUSTED")
        .register(registry);
  }

  /** The APIs {@code apis} connects to, each counting its calls. */
  public OrchestratorApi.Factory meter(OrchestratorApi.Factory apis) {
    if (prometheus == null) {
      return apis;
    }
    return connectivity -> new MeteredOrchestratorApi(apis.connect(connectivity), this);
  }

  /** {@code backends}, each counting the calls through its SPI ({@link MeteredBackends}). */
  public BackendRegistry meter(BackendRegistry backends) {
    return prometheus == null ? backends : MeteredBackends.of(backends, this);
  }

  void callbackEnded(String method, String outcome, long nanos) {
    Counter.builder("hangar.callbacks").description("Calls back to the orchestrator's API")
        .tag("method", method).tag("outcome", outcome).register(registry).increment();
    Timer.builder("hangar.callback").description("How long calls back to the orchestrator took")
        .tag("method", method).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  void backendCallEnded(String backend, String operation, String outcome, long nanos) {
    Counter.builder("hangar.backend.calls").description("Calls through the backend SPI")
        .tag("backend", backend).tag("operation", operation).tag("outcome", outcome)
        .register(registry).increment();
    if (!Outcome.OK.equals(outcome)) {
      Counter.builder("hangar.backend.errors").description("Backend calls that raised")
          .tag("backend", backend).tag("operation", operation).tag("outcome", outcome)
          .register(registry).increment();
    }
    Timer.builder("hangar.backend.call").description("How long backend calls took")
        .tag("backend", backend).tag("operation", operation).publishPercentileHistogram()
        .minimumExpectedValue(MIN_EXPECTED).maximumExpectedValue(MAX_EXPECTED)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
