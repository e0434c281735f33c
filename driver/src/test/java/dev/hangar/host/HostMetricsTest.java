package dev.hangar.host;

import static dev.hangar.host.HostInProcessTest.status;
import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.metrics.HostMetrics;
import dev.hangar.host.metrics.MetricsServer;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.proto.v1.CloudProviderGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host's Prometheus metrics, scraped over HTTP from a host on loopback: commands by name
 * and status code with their latency histogram, the limiter's running and waiting commands,
 * callbacks to the orchestrator and backend calls by outcome, and no secret anywhere.
 */
class HostMetricsTest {
  private static final String KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  private static final String PASSWORD = "pw-4b1d-never-shown";
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HostMetrics metrics = HostMetrics.prometheus();
  private SandboxHost host;
  private MetricsServer server;
  private HostClient client;
  private HostTesting.Orchestrator orchestrator;

  private void start(HostConfig config) throws Exception {
    host = SandboxHost.start(config, BackendRegistry.empty().register(kvm), metrics);
    server = MetricsServer.start(HostTesting.LOOPBACK, metrics);
    client = HostTesting.client(host);
    orchestrator = HostTesting.Orchestrator.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (client != null) {
      client.close();
    }
    if (host != null) {
      host.shutdown(Duration.ZERO);
    }
    if (server != null) {
      server.close();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
    metrics.close();
    threads.shutdownNow();
  }

  private Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>(Contexts.kvmAttributes());
    a.put("Hangar Cloud Provider.Password", PASSWORD);
    return a;
  }

  private ObjectNode context() {
    return orchestrator.expose(HostTesting.resourceContext(attributes()));
  }

  private static String deploy(String app) {
    return Contexts.request(Contexts.deployApp("act-" + app, app, KERNEL));
  }

  @Test
  void countsCommandsByOutcomeWithLatencyCallbacksAndBackendCalls() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN));
    JsonNode deployed = WireCodec.standard().readTree(
        client.call(Command.DEPLOY, context(), deploy("web"), null), "response")
        .path("driverResponse").path("actionResults").get(0);
    assertThat(deployed.path("success").asBoolean()).isTrue();
    ObjectNode remote = orchestrator.expose(HostTesting.remoteContext(attributes(), "web",
        deployed.path("vmUuid").asText()));
    client.call(Command.POWER_OFF, remote, null, null);
    kvm.failNext("powerOn", BackendException.unavailable("hypervisor hv1 did not answer", null));
    Status failed = status(() -> client.call(Command.POWER_ON, remote, null, null));
    assertThat(failed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    Status notJson = status(() -> client.call(Command.DEPLOY, context(), "{not json", null));
    assertThat(notJson.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    Scrape s = Scrape.of(server.address());
    assertThat(s.value("hangar_commands_total", "command", "Deploy", "outcome", "OK"))
        .isEqualTo(1.0);
    assertThat(s.value("hangar_commands_total", "command", "Deploy", "outcome",
        "INVALID_ARGUMENT")).isEqualTo(1.0);
    assertThat(s.value("hangar_commands_total", "command", "PowerOff", "outcome", "OK"))
        .isEqualTo(1.0);
    assertThat(s.value("hangar_commands_total", "command", "PowerOn", "outcome", "UNAVAILABLE"))
        .isEqualTo(1.0);
    assertThat(s.value("hangar_commands_total", "command", "PowerOn", "outcome", "OK")).isNull();

    // The latency histogram: every Deploy in the count and the +Inf bucket, buckets rising.
    assertThat(s.value("hangar_command_seconds_count", "command", "Deploy")).isEqualTo(2.0);
    assertThat(s.value("hangar_command_seconds_bucket", "command", "Deploy", "le", "+Inf"))
        .isEqualTo(2.0);
    assertThat(s.value("hangar_command_seconds_sum", "command", "Deploy")).isPositive();
    var buckets = s.all("hangar_command_seconds_bucket").stream()
        .filter(b -> b.labels().get("command").equals("Deploy")).toList();
    assertThat(buckets.size()).as("a percentile histogram, not a summary").isGreaterThan(10);
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
    }

    assertThat(s.value("hangar_commands_in_flight")).isEqualTo(0.0);
    assertThat(s.value("hangar_commands_queued")).isEqualTo(0.0);
    assertThat(s.value("hangar_commands_max_running")).isEqualTo(64.0);
    assertThat(s.value("hangar_commands_max_queued")).isEqualTo(256.0);

    // The Deploy's progress line went to the orchestrator.
    assertThat(orchestrator.api().calls()).isNotEmpty();
    assertThat(s.value("hangar_callbacks_total", "method", "WriteMessageToReservationOutput",
        "outcome", "ok")).isGreaterThanOrEqualTo(1.0);

    assertThat(s.value("hangar_backend_calls_total", "backend", "KVM", "operation", "deploy",
        "outcome", "ok")).isEqualTo(1.0);
    assertThat(s.value("hangar_backend_calls_total", "backend", "KVM", "operation", "power_off",
        "outcome", "ok")).isEqualTo(1.0);
    assertThat(s.value("hangar_backend_calls_total", "backend", "KVM", "operation", "power_on",
        "outcome", "unavailable")).isEqualTo(1.0);
    assertThat(s.value("hangar_backend_errors_total", "backend", "KVM", "operation", "power_on",
        "outcome", "unavailable")).isEqualTo(1.0);
    assertThat(s.value("hangar_backend_errors_total", "backend", "KVM", "operation", "deploy",
        "outcome", "ok")).isNull();
    assertThat(s.value("hangar_backend_call_seconds_count", "backend", "KVM", "operation",
        "deploy")).isEqualTo(1.0);
    assertThat(s.value("jvm_memory_used_bytes", "area", "heap", "id",
        s.all("jvm_memory_used_bytes").get(0).labels().get("id"))).isNotNull();

    // No secret, sandbox or app in any label or value.
    assertThat(s.text()).doesNotContain(HostTesting.HOST_TOKEN).doesNotContain(Contexts.TOKEN)
        .doesNotContain(PASSWORD).doesNotContain("res-1").doesNotContain("web")
        .doesNotContain(deployed.path("vmUuid").asText()).doesNotContain("not json");
  }

  @Test
  void inFlightAndQueuedFollowTheCommandLimiter() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN).withLimits(1, 2));
    CountDownLatch entered = new CountDownLatch(1);
    kvm.onOpen(scope -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<String> first = CompletableFuture.supplyAsync(
        () -> client.call(Command.DEPLOY, context(), deploy("a"), null), threads);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> second = CompletableFuture.supplyAsync(
        () -> client.call(Command.DEPLOY, context(), deploy("b"), null), threads);
    HostTesting.eventually("one running, one waiting", () -> {
      Scrape s = scrape();
      return Double.valueOf(1).equals(s.value("hangar_commands_in_flight"))
          && Double.valueOf(1).equals(s.value("hangar_commands_queued"));
    });
    Scrape held = scrape();
    assertThat(held.value("hangar_commands_max_running")).isEqualTo(1.0);
    assertThat(held.value("hangar_commands_max_queued")).isEqualTo(2.0);
    assertThat(held.value("hangar_commands_total", "command", "Deploy", "outcome", "OK"))
        .isNull();

    release.countDown();
    assertThat(first.get(30, TimeUnit.SECONDS)).contains("\"success\":true");
    assertThat(second.get(30, TimeUnit.SECONDS)).contains("\"success\":true");
    HostTesting.eventually("nothing running or waiting", () -> {
      Scrape s = scrape();
      return Double.valueOf(0).equals(s.value("hangar_commands_in_flight"))
          && Double.valueOf(0).equals(s.value("hangar_commands_queued"));
    });
    assertThat(scrape().value("hangar_commands_total", "command", "Deploy", "outcome", "OK"))
        .isEqualTo(2.0);
  }

  @Test
  void theMetricsPortServesOnlyTheMetricsPage() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN));
    HttpResponse<String> root = Scrape.get(server.address(), "/", "GET");
    assertThat(root.statusCode()).isEqualTo(404);
    assertThat(root.body()).contains("/metrics");
    HttpResponse<String> post = Scrape.get(server.address(), "/metrics", "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(Scrape.get(server.address(), "/metrics", "HEAD").statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> MetricsServer.start(HostTesting.LOOPBACK, HostMetrics.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("metrics are off");
  }

  @Test
  void theHealthListenerTellsNotServingWhileTheHostDrains() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN));
    HostPort healthAt = host.serveHealth(HostTesting.LOOPBACK);
    CountDownLatch entered = new CountDownLatch(1);
    kvm.onOpen(scope -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ManagedChannel health = Grpc.newChannelBuilder(healthAt.toString(),
        InsecureChannelCredentials.create()).build();
    try {
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(health);
      assertThat(check(stub)).isEqualTo(ServingStatus.SERVING);
      CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(
          () -> client.call(Command.DEPLOY, context(), deploy("a"), null), threads);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(
          () -> host.shutdown(Duration.ofSeconds(30)), threads);
      HostTesting.eventually("NOT_SERVING during the drain",
          () -> check(stub) == ServingStatus.NOT_SERVING);
      assertThat(scrape().value("hangar_commands_in_flight")).isEqualTo(1.0);
      release.countDown();
      assertThat(inFlight.get(30, TimeUnit.SECONDS)).contains("\"success\":true");
      assertThat(shutdown.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(HostInProcessTest.status(() -> check(stub)).getCode())
          .as("the health listener stops with the host")
          .isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED);
    } finally {
      health.shutdownNow();
    }
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub stub) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder()
        .setService(CloudProviderGrpc.SERVICE_NAME).build()).getStatus();
  }

  private Scrape scrape() {
    try {
      return Scrape.of(server.address());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
