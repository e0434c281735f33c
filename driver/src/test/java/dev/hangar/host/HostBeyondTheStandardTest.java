package dev.hangar.host;

import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.CommandCall;
import dev.hangar.proto.v1.DriverMessage;
import dev.hangar.proto.v1.HostMessage;
import dev.hangar.proto.v1.ResourceRemoteCommandContext;
import dev.hangar.proto.v1.ResourceRemoteCommandRequest;
import dev.hangar.testing.CapableCloud;
import dev.hangar.testing.Contexts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commands beyond the standard through the real gRPC server on loopback: remote commands'
 * parameters travel in ResourceRemoteCommandRequest.parameters (unary and RunCommand), and every
 * refusal (a backend's ClientException, a bad parameter, a capability the cloud lacks) is
 * INVALID_ARGUMENT with its message.
 */
class HostBeyondTheStandardTest {
  private static final String TEMPLATE = "Hangar Cloud Provider.KVM VM From Template";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private final CapableCloud kvm = CapableCloud.capable();
  private final CapableCloud bare = CapableCloud.bare();
  private SandboxHost host;
  private SandboxHost bareHost;
  private HostClient client;
  private HostClient bareClient;
  private final ObjectNode web = HostTesting.remoteContext(Contexts.kvmAttributes(), "web",
      "u-1");

  @BeforeEach
  void start() throws Exception {
    host = HostTesting.loopbackHost(BackendRegistry.empty().register(kvm));
    bareHost = HostTesting.loopbackHost(BackendRegistry.empty().register(bare));
    client = HostTesting.client(host);
    bareClient = HostTesting.client(bareHost);
  }

  @AfterEach
  void stop() {
    client.close();
    bareClient.close();
    host.close();
    bareHost.close();
  }

  private String call(Command c, Map<String, String> params) {
    return client.call(c, web, null, params, DEADLINE);
  }

  private static void invalid(ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void snapshotCommandsCarryTheirParametersAndTheBackendsRefusalIsInvalidArgument()
      throws Exception {
    assertThat(call(Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "save_memory", "Yes"))).isEqualTo("base");
    assertThat(call(Command.REMOTE_GET_SNAPSHOTS, Map.of())).isEqualTo("[\"base\"]");
    invalid(() -> call(Command.REMOTE_RESTORE_SNAPSHOT, Map.of("snapshot_name", "nope")),
        "VM web has no snapshot 'nope'; it has: base");
    invalid(() -> call(Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "remove_child", "Perhaps")), "remove_child must be Yes or No, not 'Perhaps'");
    invalid(() -> call(Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "x",
        "colour", "red")), "remote_save_snapshot has no parameter 'colour'");
    assertThat(call(Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base"))).isEmpty();
    assertThat(kvm.log()).containsExactly("snapshot.save u-1 base memory=true",
        "snapshot.list u-1", "snapshot.remove u-1 base children=false");
  }

  @Test
  void reconfigureAndConsoleAndPowerCycle() throws Exception {
    assertThat(call(Command.RECONFIGURE_VM, Map.of("cpu", "4", "hdd", "1:20"))).isEmpty();
    invalid(() -> call(Command.RECONFIGURE_VM, Map.of("hdd", "1:5")),
        "a disk cannot shrink (asked 5 GiB)");
    invalid(() -> call(Command.RECONFIGURE_VM, Map.of("hdd", "1=20")), "is not DISK:SIZE");
    JsonNode console = WireCodec.standard().mapper().readTree(call(Command.GET_VM_CONSOLE,
        Map.of()));
    assertThat(console.get("command").asText())
        .isEqualTo("virsh -c qemu+ssh://hv1.example/system vncdisplay u-1");
    assertThat(call(Command.POWER_CYCLE, Map.of("delay", "0"))).isEmpty();
    invalid(() -> call(Command.POWER_CYCLE, Map.of("delay", "later")),
        "delay must be a number of seconds");
    assertThat(kvm.log()).containsExactly("reconfigure u-1", "console u-1", "powerOff u-1",
        "powerOn u-1");
  }

  @Test
  void aCapabilityTheCloudLacksIsInvalidArgumentNamingTheCommandAndCloudType() {
    invalid(() -> bareClient.call(Command.REMOTE_GET_SNAPSHOTS, web, null, Map.of(), DEADLINE),
        "remote_get_snapshots is not supported for Cloud Type 'KVM'");
    invalid(() -> bareClient.call(Command.GET_VM_CONSOLE, web, null, Map.of(), DEADLINE),
        "get_vm_console is not supported for Cloud Type 'KVM'");
  }

  @Test
  void saveAppAndTheDesignersChecksThroughTheHost() throws Exception {
    ObjectNode provider = HostTesting.resourceContext(Contexts.kvmAttributes());
    JsonNode saved = WireCodec.standard().mapper().readTree(client.call(Command.SAVE_APP,
        provider, dev.hangar.driver.BeyondTheStandardTestRequests.save("s1", "u-1"), DEADLINE))
        .at("/driverResponse/actionResults/0");
    assertThat(saved.get("type").asText()).isEqualTo("SaveApp");
    assertThat(saved.get("saveDeploymentModel").asText()).isEqualTo(TEMPLATE);
    assertThat(client.call(Command.GET_ATTRIBUTE_HINTS, provider, "{\"DeploymentPath\":\""
        + TEMPLATE + "\",\"AttributeName\":\"" + TEMPLATE + ".Template\"}", DEADLINE))
        .contains("\"Values\":[\"base.qcow2\",\"debian-12.qcow2\"]");
    invalid(() -> client.call(Command.VALIDATE_ATTRIBUTES, provider, "{\"ActionId\":\"v\","
        + "\"DeploymentPath\":\"" + TEMPLATE + "\",\"Attributes\":[{\"AttributeName\":\""
        + TEMPLATE + ".CPU\",\"AttributeValue\":\"0\"},{\"AttributeName\":\"" + TEMPLATE
        + ".RAM\",\"AttributeValue\":\"-1\"}]}", DEADLINE),
        "attribute 'CPU' must be more than 0 (got 0)\n- attribute 'RAM' must be more than 0");
  }

  @Test
  void runCommandCarriesTheParametersToo() throws Exception {
    ResourceRemoteCommandRequest save = ResourceRemoteCommandRequest.newBuilder()
        .setContext(ContextMessages.fromJson(web, ResourceRemoteCommandContext.newBuilder(),
            "context")).putParameters("snapshot_name", "streamed").build();
    CompletableFuture<String> response = new CompletableFuture<>();
    io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(host.address().toString(),
        io.grpc.InsecureChannelCredentials.create()).build();
    try {
      runSave(channel, save, response);
    } finally {
      channel.shutdownNow();
    }
    assertThat(kvm.log()).containsExactly("snapshot.save u-1 streamed memory=false");
  }

  private static void runSave(io.grpc.ManagedChannel channel, ResourceRemoteCommandRequest save,
      CompletableFuture<String> response) throws Exception {
    StreamObserver<DriverMessage> out = CloudProviderGrpc.newStub(channel)
        .withCallCredentials(TOKEN.credentials()).runCommand(new StreamObserver<>() {
          @Override
          public void onNext(HostMessage m) {
            if (m.hasResponse()) {
              response.complete(m.getResponse().getResponseJson());
            }
          }

          @Override
          public void onError(Throwable t) {
            response.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            response.complete("(no response)");
          }
        });
    out.onNext(DriverMessage.newBuilder().setCommand(CommandCall.newBuilder()
        .setRemoteSaveSnapshot(save)).build());
    assertThat(response.get(30, TimeUnit.SECONDS)).isEqualTo("streamed");
    out.onCompleted();
  }
}
