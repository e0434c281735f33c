package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.ProgressHookApi;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The caller cancels a template Deploy through the host at every step it reports (the k-th
 * progress callback cancels the call before it is answered, so the Deploy meets the
 * cancellation right after that step) and at a sweep of delays between steps. Whatever the
 * point: the call ends CANCELLED with the VM, its disk and its port rolled back, or it had
 * already finished and its VM is whole (then deleted). A cancel that reaches the client after
 * the host finished the Deploy also reads CANCELLED on the client (its own status; the answer is
 * dropped): then the VM is whole, and retrying the same actionId returns it, as an orchestrator
 * would on its next attempt, and its delete leaves nothing. The driver-level test of every poll is
 * KvmDeployTest.cancellingAtAnyStepLeavesNothingBehind; HostCancellationTest covers a cancel and
 * a deadline during the IP wait.
 *
 * <p>A cancel at a progress step is held until the host has seen it: the caller's cancel travels
 * on its own connection to the host and the progress answer on the callback connection, so
 * without the hold the answer may overtake the cancel and the Deploy rightly finishes (one run in
 * a few dozen did). Held, the test asks what it means to: a Deploy that knows it was cancelled
 * while it waited on its report never goes on.
 */
class HostCancelEveryStepTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static KvmCloudFixture cloud;
  private static SandboxHost host;
  private static HostClient client;
  private static CallbackServer callbacks;
  private static final AtomicReference<Runnable> onProgress = new AtomicReference<>(() -> { });
  private static final ExecutorService threads = Executors.newCachedThreadPool();

  /** Completed when the host sees the caller's cancel of the current Deploy call. */
  private static final AtomicReference<CompletableFuture<Void>> hostSawCancel =
      new AtomicReference<>(new CompletableFuture<>());

  @BeforeAll
  static void start() throws Exception {
    cloud = new KvmCloudFixture(Duration.ofMillis(5));
    host = SandboxHost.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .intercept(new CancelWatch()), HostConfig.of(HostTesting.LOOPBACK, HostTesting.TOKEN),
        BackendRegistry.empty().register(cloud.provider()));
    client = HostTesting.client(host);
    callbacks = CallbackServer.start(HostTesting.LOOPBACK, new ProgressHookApi(
        new RecordingOrchestratorApi(Map.of(), null), message -> onProgress.get().run()));
    ObjectNode provider = HostTesting.resourceContext(cloud.providerAttributes());
    provider.remove("reservation");
    callbacks.expose(provider);
    client.call(Command.GET_INVENTORY, provider, null, null);
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    client.close();
    host.close();
    callbacks.close();
    cloud.close();
  }

  private static String deploy(String actionId) {
    return Contexts.request(KvmCloudFixture.templateDeployApp(actionId, "web",
        Map.of("Wait for IP", "True", "Refresh IP Timeout", "30")));
  }

  private static ObjectNode context() {
    ObjectNode ctx = HostTesting.resourceContext(cloud.providerAttributes());
    callbacks.expose(ctx);
    return ctx;
  }

  /** Runs a Deploy whose caller cancels when {@code trigger} says; returns how it ended. */
  private static Outcome deployCancelled(String actionId, CancelAt at) throws Exception {
    Context.CancellableContext caller = Context.current().withCancellation();
    ObjectNode ctx = HostTesting.resourceContext(cloud.providerAttributes());
    callbacks.expose(ctx);
    AtomicInteger reports = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic
        .AtomicBoolean();
    CompletableFuture<Void> seen = new CompletableFuture<>();
    hostSawCancel.set(seen);
    onProgress.set(() -> {
      if (at.progress() > 0 && reports.incrementAndGet() == at.progress()) {
        fired.set(true);
        caller.cancel(null);
        try {
          seen.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError("the host never saw the caller's cancel", e);
        }
      }
    });
    CompletableFuture<Outcome> call = new CompletableFuture<>();
    threads.execute(() -> caller.run(() -> {
      try {
        String out = client.call(Command.DEPLOY, ctx, deploy(actionId), Duration.ofSeconds(60));
        call.complete(new Outcome(Status.OK, out, fired.get()));
      } catch (StatusRuntimeException e) {
        call.complete(new Outcome(e.getStatus(), null, fired.get()));
      }
    }));
    if (at.delayMicros() >= 0) {
      TimeUnit.MICROSECONDS.sleep(at.delayMicros());
      caller.cancel(null);
    }
    try {
      return call.get(60, TimeUnit.SECONDS);
    } finally {
      onProgress.set(() -> { });
    }
  }

  /** Tells {@link #hostSawCancel} when the host's context of a Deploy call is cancelled. */
  private static final class CancelWatch implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      if (call.getMethodDescriptor().getBareMethodName().equals("Deploy")) {
        CompletableFuture<Void> seen = hostSawCancel.get();
        Context.current().addListener(c -> seen.complete(null), Runnable::run);
      }
      return next.startCall(call, headers);
    }
  }

  record CancelAt(int progress, long delayMicros) {}

  record Outcome(Status status, String response, boolean cancelledAtProgress) {}

  @Test
  void aDeployCancelledAtAnyPointLeavesNothingOrAWholeVm() throws Exception {
    List<CancelAt> points = new java.util.ArrayList<>();
    for (int k = 1; k <= 4; k++) {
      points.add(new CancelAt(k, -1));
    }
    for (long us : List.of(0L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 64_000L,
        128_000L, 256_000L, 512_000L)) {
      points.add(new CancelAt(0, us));
    }
    int cancelled = 0;
    int finished = 0;
    int finishedAnyway = 0;
    for (int i = 0; i < points.size(); i++) {
      CancelAt at = points.get(i);
      Outcome o = deployCancelled("step-" + i, at);
      String where = at + " -> " + o.status();
      if (o.cancelledAtProgress()) {
        // Cancelled while the Deploy waited on its own report: it must not go on to finish.
        assertThat(o.status().getCode()).as(where).isEqualTo(Status.Code.CANCELLED);
      }
      if (o.status().isOk()) {
        finished++;
        JsonNode r = CODEC.readTree(o.response(), "response").at("/driverResponse/actionResults/0");
        assertThat(r.path("success").asBoolean()).as(where + " " + r).isTrue();
        assertThat(cloud.domains()).as(where).hasSize(1);
        assertThat(cloud.ports()).as(where).hasSize(1);
        delete(r);
      } else {
        assertThat(o.status().getCode()).as(where).isEqualTo(Status.Code.CANCELLED);
        // The host finishes the command (rolling back, or done before the cancel came).
        HostTesting.eventually("the host idle after " + where, () -> host.running() == 0);
        if (cloud.domains().isEmpty()) {
          cancelled++;
        } else {
          finishedAnyway++;
          assertThat(o.cancelledAtProgress()).as(where + ": cancelled while the Deploy waited on"
              + " its own report, yet it went on").isFalse();
          assertThat(cloud.domains()).as(where + ": a whole VM").hasSize(1);
          assertThat(cloud.ports()).as(where).hasSize(1);
          assertThat(cloud.volumes()).as(where).hasSize(2);
          JsonNode again = CODEC.readTree(client.call(Command.DEPLOY, context(),
              deploy("step-" + i), Duration.ofSeconds(60)), "response")
              .at("/driverResponse/actionResults/0");
          assertThat(again.path("success").asBoolean()).as(where + " " + again).isTrue();
          assertThat(again.path("infoMessage").asText()).contains("earlier attempt");
          delete(again);
        }
      }
      HostTesting.eventually("nothing left after " + where, () -> {
        try {
          return cloud.domains().isEmpty() && cloud.ports().isEmpty()
              && cloud.volumes().equals(List.of("tmpl.qcow2"));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
    // Every reported step (a template Deploy reports two) cancels, and some of the sweep.
    assertThat(cancelled).as("cancelled").isGreaterThanOrEqualTo(3);
    System.out.printf("cancel sweep: %d cancelled and rolled back, %d finished first, %d"
        + " finished as the cancel came (retried)%n", cancelled, finished, finishedAnyway);
  }

  private static void delete(JsonNode r) {
    ObjectNode remote = HostTesting.remoteContext(cloud.providerAttributes(),
        r.path("vmName").asText(), r.path("vmUuid").asText());
    ((ObjectNode) remote.get("remote_endpoints").get(0).get("app_context")).put(
        "deployed_app_json", CODEC.write(Map.of("name", r.path("vmName").asText(), "vmdetails",
            Map.of("uid", r.path("vmUuid").asText(), "vmCustomParams", List.of(Map.of("name",
                "hypervisor", "value", r.path("deployedAppAdditionalData").path("hypervisor")
                    .asText()))))));
    callbacks.expose(remote);
    client.call(Command.DELETE_INSTANCE, remote, null, null);
  }
}
