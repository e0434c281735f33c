package dev.hangar.host;

import static dev.hangar.host.HostInProcessTest.status;
import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The host on a real Netty server on loopback: the token, bad input, its bounds, shutdown. */
class HostLoopbackTest {
  private static final String KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private final CountDownLatch release = new CountDownLatch(1);
  /** The orchestrator's threads (the common pool may have one thread on two cores). */
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private SandboxHost host;
  private HostClient client;
  private ManagedChannel channel;
  private HostTesting.Orchestrator orchestrator;

  @BeforeEach
  void start() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN));
    orchestrator = HostTesting.Orchestrator.start();
  }

  private void start(HostConfig config) throws Exception {
    host = HostTesting.loopbackHost(BackendRegistry.empty().register(kvm), config);
    client = HostTesting.client(host);
    channel = Grpc.newChannelBuilder(host.address().toString(),
        InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    stopHost();
    orchestrator.close();
    threads.shutdownNow();
  }

  private void stopHost() {
    channel.shutdownNow();
    client.close();
    host.shutdown(Duration.ZERO);
  }

  private <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, threads);
  }

  private ObjectNode context() {
    return orchestrator.expose(HostTesting.resourceContext(Contexts.kvmAttributes()));
  }

  private static String deploy(String actionId) {
    return Contexts.request(Contexts.deployApp(actionId, "web-" + actionId, KERNEL));
  }

  @Test
  void anUnknownMethodIsUnauthenticatedWithoutTheTokenAndUnimplementedWithIt() {
    io.grpc.MethodDescriptor<byte[], byte[]> gone = io.grpc.MethodDescriptor
        .<byte[], byte[]>newBuilder().setType(io.grpc.MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("hangar.v1.CloudProvider/NoSuchCommand")
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    Status without = status(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, gone,
        io.grpc.CallOptions.DEFAULT, new byte[0]));
    assertThat(without.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    Status with = status(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, gone,
        io.grpc.CallOptions.DEFAULT.withCallCredentials(TOKEN.credentials()), new byte[0]));
    assertThat(with.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(with.getDescription()).contains("hangar.v1.CloudProvider/NoSuchCommand");
  }

  @Test
  void aRequestOverTheStatedLimitIsRefusedNamingTheLimit() {
    ResourceCommandRequest big = ResourceCommandRequest.newBuilder()
        .setRequestJson("x".repeat(SandboxHost.MAX_MESSAGE_BYTES + 1)).build();
    Status s = status(() -> CloudProviderGrpc.newBlockingStub(channel)
        .withCallCredentials(TOKEN.credentials()).getVmDetails(big));
    // The code the contract states for it (RESOURCE_EXHAUSTED, never worth a retry).
    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).contains(String.valueOf(SandboxHost.MAX_MESSAGE_BYTES));
  }

  private static final io.grpc.MethodDescriptor.Marshaller<byte[]> BYTES =
      new io.grpc.MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };

  @Test
  void everyCallNeedsTheBearerTokenHealthAndReflectionToo() throws Exception {
    ResourceCommandRequest details = ResourceCommandRequest.newBuilder()
        .setRequestJson("{\"items\":[]}").build();
    Status missing = status(() -> CloudProviderGrpc.newBlockingStub(channel)
        .getVmDetails(details));
    assertThat(missing.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(missing.getDescription()).isEqualTo("missing bearer token: send the metadata"
        + " 'authorization: Bearer <token>'");
    Status wrong = status(() -> CloudProviderGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerToken(HostTesting.HOST_TOKEN + "x").credentials())
        .getVmDetails(details));
    assertThat(wrong.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrong.getDescription()).isEqualTo("invalid bearer token");
    assertThat(status(() -> HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.getDefaultInstance())).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
        .withCallCredentials(TOKEN.credentials());
    assertThat(health.check(HealthCheckRequest.newBuilder().setService(
        CloudProviderGrpc.SERVICE_NAME).build()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(services()).contains("hangar.v1.CloudProvider", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    assertThat(client.call(Command.GET_VM_DETAILS, context(), "{\"items\":[]}", null))
        .isEqualTo("[]");
  }

  private List<String> services() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .withCallCredentials(TOKEN.credentials())
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            answer.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() { }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).toList();
  }

  @Test
  void malformedInputIsInvalidArgumentWithTheReason() {
    Status notJson = status(() -> client.call(Command.DEPLOY, context(), "{\"driverRequest\":",
        null));
    assertThat(notJson.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(notJson.getDescription()).startsWith("the request is not valid JSON at line 1,"
        + " column 18");
    Status noEnvelope = status(() -> client.call(Command.DEPLOY, context(), "{\"actions\":[]}",
        null));
    assertThat(noEnvelope.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noEnvelope.getDescription()).contains("expected {\"driverRequest\"");
    ObjectNode noResource = context();
    noResource.remove("resource");
    Status noProvider = status(() -> client.call(Command.DEPLOY, noResource, deploy("a"),
        null));
    assertThat(noProvider.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noProvider.getDescription()).isEqualTo("Deploy needs a context with a resource"
        + " (the cloud provider)");
    for (Status s : List.of(notJson, noEnvelope, noProvider)) {
      assertThat(s.getDescription()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void pastItsBoundTheHostAnswersResourceExhaustedInsteadOfQueueing() throws Exception {
    stopHost();
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN).withLimits(2, 0));
    CountDownLatch entered = new CountDownLatch(2);
    kvm.onOpen(scope -> {
      entered.countDown();
      await(release);
    });
    CompletableFuture<String> first = async(
        () -> client.call(Command.DEPLOY, context(), deploy("a"), null));
    CompletableFuture<String> second = async(
        () -> client.call(Command.DEPLOY, context(), deploy("b"), null));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    Status third = status(() -> client.call(Command.DEPLOY, context(), deploy("c"), null));
    assertThat(third.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(third.getDescription()).isEqualTo("the host is running 2 commands and has 0"
        + " waiting (its --max-commands and --max-queued); retry later");
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).contains("\"success\":true");
    assertThat(second.get(10, TimeUnit.SECONDS)).contains("\"success\":true");
    assertThat(client.call(Command.DEPLOY, context(), deploy("c"), null))
        .contains("\"success\":true");
  }

  @Test
  void shutdownRefusesNewCallsAndLetsTheCommandInFlightFinish() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    kvm.onOpen(scope -> {
      // Only the Deploy waits: a probe that comes in before the shutdown must get its answer.
      if (scope.command().equals("Deploy")) {
        entered.countDown();
        await(release);
      }
    });
    CompletableFuture<String> inFlight = async(
        () -> client.call(Command.DEPLOY, context(), deploy("a"), null));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Boolean> shutdown = async(
        () -> host.shutdown(Duration.ofSeconds(20)));
    HostTesting.eventually("new calls refused", () -> HostTesting.refused(client, context()));
    assertThat(shutdown).isNotDone();

    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS)).contains("\"success\":true");
    assertThat(shutdown.get(10, TimeUnit.SECONDS)).as("ended within the grace period").isTrue();
  }

  @Test
  void commandsStillRunningAfterTheGracePeriodAreCancelled() throws Exception {
    AtomicBoolean sawCancellation = new AtomicBoolean();
    CountDownLatch entered = new CountDownLatch(1);
    kvm.onOpen(scope -> {
      entered.countDown();
      while (!scope.isCancelled()) {
        sleep(10);
      }
      sawCancellation.set(true);
      throw new CommandCancelledException("cancelled while opening the backend");
    });
    CompletableFuture<Status> inFlight = async(
        () -> status(() -> client.call(Command.DEPLOY, context(), deploy("a"), null)));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(host.shutdown(Duration.ofMillis(200))).isFalse();
    assertThat(sawCancellation).isTrue();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).getCode()).isIn(Status.Code.CANCELLED,
        Status.Code.UNAVAILABLE);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
