package dev.hangar.host;

import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.proto.v1.Callback;
import dev.hangar.proto.v1.CallbackResult;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.CommandCall;
import dev.hangar.proto.v1.DriverMessage;
import dev.hangar.proto.v1.HostMessage;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.proto.v1.ResourceRemoteCommandContext;
import dev.hangar.proto.v1.ResourceRemoteCommandRequest;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RunCommand: a command and its callbacks on the caller's stream. The contexts name an API
 * address where nothing listens (127.0.0.1:1): a host that dialled it would fail the callbacks.
 */
class HostRunCommandTest {
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private SandboxHost host;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    host = SandboxHost.start(InProcessServerBuilder.forName(name),
        HostConfig.of(HostTesting.LOOPBACK, TOKEN), BackendRegistry.empty().register(kvm));
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  /** What one RunCommand call saw: the callbacks in order and how it ended. */
  record Outcome(List<Callback> callbacks, String response, Status status) {}

  private Outcome run(List<DriverMessage> first, Function<Callback, CallbackResult> answer)
      throws Exception {
    List<Callback> callbacks = new CopyOnWriteArrayList<>();
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    String[] response = {null};
    StreamObserver<DriverMessage>[] out = new StreamObserver[1];
    out[0] = CloudProviderGrpc.newStub(channel).withCallCredentials(TOKEN.credentials())
        .runCommand(new StreamObserver<>() {
          @Override
          public void onNext(HostMessage m) {
            if (m.hasCallback()) {
              callbacks.add(m.getCallback());
              out[0].onNext(DriverMessage.newBuilder()
                  .setCallbackResult(answer.apply(m.getCallback())).build());
            } else {
              response[0] = m.getResponse().getResponseJson();
            }
          }

          @Override
          public void onError(Throwable t) {
            done.complete(new Outcome(callbacks, response[0], Status.fromThrowable(t)));
          }

          @Override
          public void onCompleted() {
            done.complete(new Outcome(callbacks, response[0], Status.OK));
          }
        });
    first.forEach(out[0]::onNext);
    Outcome o = done.get(30, TimeUnit.SECONDS);
    out[0].onCompleted();
    return o;
  }

  private static CallbackResult ok(Callback c) {
    return CallbackResult.newBuilder().setId(c.getId())
        .setDone(dev.hangar.proto.v1.CallbackReply.getDefaultInstance()).build();
  }

  private static ObjectNode unreachableApi(ObjectNode context) {
    ((ObjectNode) context.get("connectivity")).put("server_address", "127.0.0.1")
        .put("cloudshell_api_port", "1");
    return context;
  }

  private String deployed() throws Exception {
    ObjectNode ctx = unreachableApi(HostTesting.resourceContext(Contexts.kvmAttributes()));
    ResourceCommandRequest deploy = ResourceCommandRequest.newBuilder()
        .setContext(ContextMessages.fromJson(ctx,
            dev.hangar.proto.v1.ResourceCommandContext.newBuilder(), "context"))
        .setRequestJson(Contexts.request(Contexts.deployApp("d1", "app",
            "Hangar Cloud Provider.KVM VM From Kernel"))).build();
    Outcome o = run(List.of(DriverMessage.newBuilder()
        .setCommand(CommandCall.newBuilder().setDeploy(deploy)).build()), HostRunCommandTest::ok);
    assertThat(o.status().getCode()).as(o.status().toString()).isEqualTo(Status.Code.OK);
    assertThat(WireCodec.standard().mapper().readTree(o.response())
        .at("/driverResponse/actionResults/0/success").asBoolean()).isTrue();
    return kvm.vms().keySet().iterator().next();
  }

  private DriverMessage refreshIp(String uid) {
    ObjectNode ctx = unreachableApi(HostTesting.remoteContext(Contexts.kvmAttributes(), "app",
        uid));
    return DriverMessage.newBuilder().setCommand(CommandCall.newBuilder().setRemoteRefreshIp(
        ResourceRemoteCommandRequest.newBuilder().setContext(ContextMessages.fromJson(ctx,
            ResourceRemoteCommandContext.newBuilder(), "context")))).build();
  }

  @Test
  void theCallbacksComeBackOnTheCallersStreamAndItsAnswersReachTheCommand() throws Exception {
    String uid = deployed();
    Outcome o = run(List.of(refreshIp(uid)), HostRunCommandTest::ok);
    assertThat(o.status().getCode()).as(o.status().toString()).isEqualTo(Status.Code.OK);
    assertThat(o.response()).isEmpty();
    assertThat(o.callbacks()).extracting(Callback::getCallCase).containsSubsequence(
        Callback.CallCase.UPDATE_RESOURCE_ADDRESS, Callback.CallCase.SET_ATTRIBUTE_VALUE);
    Callback update = o.callbacks().stream().filter(Callback::hasUpdateResourceAddress)
        .findFirst().orElseThrow();
    assertThat(update.getUpdateResourceAddress().getResourceName()).isEqualTo("app");
    assertThat(update.getUpdateResourceAddress().getAddress()).isEqualTo("10.0.0.10");
    assertThat(o.callbacks()).extracting(Callback::getId).doesNotHaveDuplicates();
  }

  @Test
  void aCallbackAnsweredWithAnErrorFailsTheStepThatNeededIt() throws Exception {
    String uid = deployed();
    Outcome o = run(List.of(refreshIp(uid)), c -> c.hasUpdateResourceAddress()
        ? CallbackResult.newBuilder().setId(c.getId()).setError(
            dev.hangar.proto.v1.CallbackError.newBuilder().setMessage("no such resource"))
            .build()
        : ok(c));
    assertThat(o.status().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(o.status().getDescription())
        .contains("the orchestrator API failed UpdateResourceAddress: no such resource");

    Outcome retryable = run(List.of(refreshIp(uid)), c -> c.hasUpdateResourceAddress()
        ? CallbackResult.newBuilder().setId(c.getId()).setError(
            dev.hangar.proto.v1.CallbackError.newBuilder().setMessage("API down")
                .setRetryable(true)).build()
        : ok(c));
    assertThat(retryable.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void theFirstMessageMustBeTheCommandAndThereIsOnlyOne() throws Exception {
    Outcome early = run(List.of(DriverMessage.newBuilder().setCallbackResult(
        CallbackResult.newBuilder().setId(1)).build()), HostRunCommandTest::ok);
    assertThat(early.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(early.status().getDescription()).contains("first message must be the command");

    Outcome empty = run(List.of(DriverMessage.getDefaultInstance()), HostRunCommandTest::ok);
    assertThat(empty.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    String uid = deployed();
    Outcome twice = run(List.of(refreshIp(uid), refreshIp(uid)), HostRunCommandTest::ok);
    assertThat(twice.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(twice.status().getDescription()).contains("one command per call");
  }

  @Test
  void withoutTheTokenNothingRuns() throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<DriverMessage> out = CloudProviderGrpc.newStub(channel)
        .runCommand(new StreamObserver<>() {
          @Override
          public void onNext(HostMessage m) {
            done.complete(Status.OK);
          }

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    out.onNext(refreshIp("any"));
    assertThat(done.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    out.onCompleted();
  }
}
