package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.ContextMessages;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.CommandCall;
import dev.hangar.proto.v1.DriverMessage;
import dev.hangar.proto.v1.HostMessage;
import dev.hangar.proto.v1.PlanRequest;
import dev.hangar.proto.v1.ResourceCommandContext;
import dev.hangar.testing.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Plan RPC through a real sandbox host on loopback (libvirt's test driver, a private
 * ovsdb-server): its plan is the in-process plan, byte for byte, unary and through RunCommand;
 * the command run through the same host then does exactly what it said; what cannot be planned
 * is INVALID_ARGUMENT.
 */
class KvmPlanThroughHostTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final WireCodec CODEC = WireCodec.standard();
  private final BearerToken token = new BearerToken("kvm-plan-host-token-5e4d3c2b1a09");
  private KvmTestbed bed;
  private CallbackServer orchestrator;
  private SandboxHost host;
  private HostClient client;
  private CommandPlanning inProcess;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    orchestrator = CallbackServer.start(new HostPort("127.0.0.1", 0), bed.api);
    // The host shares the testbed's provider: test:/// state lives in its connection.
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
        BackendRegistry.empty().register(bed.provider));
    client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
    inProcess = new CommandPlanning(BackendRegistry.empty().register(bed.provider),
        c -> bed.api);
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      host.close();
      orchestrator.close();
    } finally {
      bed.close();
    }
  }

  @Test
  void aDeployPlanThroughTheHostIsTheInProcessPlanAndTheDeployThenMakesIt() throws Exception {
    Map<String, String> cpu = KvmTestbed.kernelAttrs();
    cpu.put("CPU", "0");
    String request = Contexts.request(
        KvmTestbed.deployApp("act-h", "web", KvmTestbed.PATH_TEMPLATE, templateAttrs()),
        KvmTestbed.deployApp("bad-cpu", "db", KvmTestbed.PATH_KERNEL, cpu));
    ObjectNode context = context();
    List<String> domains = bed.domains();
    List<String> volumes = bed.volumes();
    List<String> ports = bed.ports();

    String local = inProcess.plan(Command.DEPLOY, CODEC.write(context), request);
    String remote = client.plan("Deploy", context, request, DEADLINE);
    String streamed = streamedPlan("Deploy", context, request);

    assertThat(remote).isEqualTo(local);
    assertThat(streamed).isEqualTo(local);
    assertThat(bed.domains()).as("the plans changed nothing").isEqualTo(domains);
    assertThat(bed.volumes()).isEqualTo(volumes);
    assertThat(bed.ports()).isEqualTo(ports);
    JsonNode plan = CODEC.readTree(remote, "plan").path("plan");
    assertThat(plan.get(1).path("success").asBoolean()).isFalse();
    assertThat(plan.get(1).path("error").asText()).contains("'CPU' must be between 1 and 64");
    JsonNode entry = plan.get(0);
    assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();

    JsonNode result = CODEC.readTree(client.call(Command.DEPLOY, context, request, DEADLINE),
        "response").at("/driverResponse/actionResults/0");
    assertThat(result.path("success").asBoolean()).as(result.toString()).isTrue();

    List<JsonNode> ops = new ArrayList<>();
    entry.path("operations").forEach(ops::add);
    assertThat(ops).allSatisfy(op -> assertThat(op.path("op").asText()).isEqualTo("create"));
    assertThat(names(ops, "domain")).containsExactlyElementsOf(minus(bed.domains(), domains));
    assertThat(names(ops, "volume")).containsExactlyInAnyOrderElementsOf(
        minus(bed.volumes(), volumes).stream().map(v -> "hangar-pool/" + v).toList());
    assertThat(names(ops, "OVS port")).hasSize(2)
        .containsExactlyInAnyOrderElementsOf(minus(bed.ports(), ports));
    JsonNode domain = ops.stream().filter(o -> o.path("kind").asText().equals("domain"))
        .findFirst().orElseThrow();
    assertThat(domain.path("id").asText()).isEqualTo(result.path("vmUuid").asText());
    assertThat(domain.path("where").asText()).isEqualTo(result.path("deployedAppAdditionalData")
        .path(KvmCompute.HYPERVISOR).asText());
    for (String port : names(ops, "OVS port")) {
      assertThat(bed.portColumn(port, "tag")).isEqualTo("4095");
    }

    // Asked again, through the host: everything is there and would be reused.
    JsonNode retry = CODEC.readTree(client.plan("Deploy", context, request, DEADLINE), "plan")
        .path("plan").get(0);
    assertThat(retry.path("operations")).isNotEmpty().allSatisfy(op ->
        assertThat(op.path("op").asText()).isEqualTo("exists"));
  }

  @Test
  void aVlanPlanThroughTheHostIsTheInProcessPlanAndTheCommandThenChangesExactlyThoseRows()
      throws Exception {
    JsonNode vm = bed.deploy("act-v", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    String request = Contexts.request(
        CODEC.write(VlanRequests.withVnic(VlanRequests.setVlan("access", vm, "10", "Access"),
            "1")),
        CODEC.write(VlanRequests.withVnic(VlanRequests.setVlan("trunk", vm, "20-21,30",
            "Trunk"), "2")),
        CODEC.write(VlanRequests.withVnic(VlanRequests.setVlan("mgmt", vm, "11", "Access"),
            "0")));
    ObjectNode context = context();
    Map<String, String> before = rows();

    String local = inProcess.plan(Command.APPLY_CONNECTIVITY_CHANGES, CODEC.write(context),
        request);
    String remote = client.plan("ApplyConnectivityChanges", context, request, DEADLINE);

    assertThat(remote).isEqualTo(local);
    assertThat(streamedPlan("ApplyConnectivityChanges", context, request)).isEqualTo(local);
    assertThat(rows()).as("the plans changed no row").isEqualTo(before);
    JsonNode plan = CODEC.readTree(remote, "plan").path("plan");
    assertThat(plan.get(2).path("error").asText()).contains("management network");
    Map<String, String> planned = new LinkedHashMap<>();
    for (JsonNode entry : List.of(plan.get(0), plan.get(1))) {
      JsonNode op = entry.path("operations").get(0);
      assertThat(op.path("op").asText()).as(entry.toString()).isEqualTo("update");
      planned.put(op.path("name").asText(), columns(op.path("details").path("after")));
    }

    JsonNode results = CODEC.readTree(client.call(Command.APPLY_CONNECTIVITY_CHANGES, context,
        request, DEADLINE), "response").at("/driverResponse/actionResults");
    assertThat(results.get(0).path("success").asBoolean()).as(results.toString()).isTrue();
    assertThat(results.get(1).path("success").asBoolean()).as(results.toString()).isTrue();
    assertThat(results.get(2).path("success").asBoolean()).isFalse();
    Map<String, String> changed = new LinkedHashMap<>();
    rows().forEach((port, row) -> {
      if (!row.equals(before.get(port))) {
        changed.put(port, row);
      }
    });
    assertThat(changed).as("the rows the command changed").isEqualTo(planned);
  }

  @Test
  void whatCannotBePlannedIsInvalidArgumentUnaryAndStreamed() throws Exception {
    ObjectNode context = context();
    String request = Contexts.request(KvmTestbed.deployApp("act-x", "web",
        KvmTestbed.PATH_TEMPLATE, templateAttrs()));
    invalid(() -> client.plan("PowerOff", context, request, DEADLINE), "cannot plan PowerOff");
    invalid(() -> client.plan("Reboot", context, request, DEADLINE), "unknown command 'Reboot'");
    invalid(() -> client.plan("", context, request, DEADLINE), "needs the command to plan");
    invalid(() -> client.plan("Deploy", context, "", DEADLINE), "needs its request");
    invalid(() -> client.plan("Deploy", context, "{not json", DEADLINE), "");
    invalid(() -> client.plan("Deploy", context, "{\"driverRequest\":{}}", DEADLINE), "");
    invalid(() -> streamedPlan("GetVmDetails", context, request), "cannot plan GetVmDetails");
    assertThat(bed.domains()).isEmpty();
  }

  private static void invalid(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  /** The plan through RunCommand (CommandCall.plan), answering every callback as done. */
  private String streamedPlan(String command, ObjectNode context, String request) {
    ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(host.address().toString(),
        io.grpc.InsecureChannelCredentials.create()).build();
    try {
      CompletableFuture<String> answer = new CompletableFuture<>();
      StreamObserver<DriverMessage>[] out = new StreamObserver[1];
      out[0] = CloudProviderGrpc.newStub(channel).withCallCredentials(token.credentials())
          .runCommand(new StreamObserver<>() {
            @Override
            public void onNext(HostMessage m) {
              if (m.hasResponse()) {
                answer.complete(m.getResponse().getResponseJson());
              } else {
                out[0].onNext(DriverMessage.newBuilder().setCallbackResult(
                    dev.hangar.proto.v1.CallbackResult.newBuilder().setId(m.getCallback()
                        .getId()).setDone(dev.hangar.proto.v1.CallbackReply
                        .getDefaultInstance())).build());
              }
            }

            @Override
            public void onError(Throwable t) {
              answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              answer.complete("(no response)");
            }
          });
      out[0].onNext(DriverMessage.newBuilder().setCommand(CommandCall.newBuilder().setPlan(
          PlanRequest.newBuilder().setCommand(command).setRequestJson(request)
              .setContext(ContextMessages.fromJson(context, ResourceCommandContext.newBuilder(),
                  "context")))).build());
      try {
        return answer.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        out[0].onCompleted();
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private ObjectNode context() {
    ObjectNode json = CODEC.mapper().valueToTree(Contexts.resource(bed.attributes));
    orchestrator.expose(json);
    return json;
  }

  private static Map<String, String> templateAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("Disk Size", "4");
    a.put("NIC Count", "2");
    a.put("Wait for IP", "False");
    return a;
  }

  /** Every bridge port's VLAN columns, as ovs-vsctl prints them. */
  private Map<String, String> rows() throws Exception {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String p : bed.ports()) {
      rows.put(p, bed.portColumn(p, "tag") + " " + bed.portColumn(p, "trunks") + " "
          + bed.portColumn(p, "vlan_mode"));
    }
    return rows;
  }

  /** A plan's VLAN columns as ovs-vsctl prints them: {@code 10 [] []}. */
  private static String columns(JsonNode c) {
    List<String> out = new ArrayList<>();
    for (String col : List.of("tag", "trunks", "vlan_mode")) {
      JsonNode v = c.path(col);
      if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(x.asText()));
        out.add("[" + String.join(", ", items) + "]");
      } else {
        out.add(v.asText());
      }
    }
    return String.join(" ", out);
  }

  private static List<String> minus(List<String> a, List<String> b) {
    return a.stream().filter(x -> !b.contains(x)).toList();
  }

  private static List<String> names(List<JsonNode> ops, String kind) {
    return ops.stream().filter(o -> o.path("kind").asText().equals(kind))
        .map(o -> o.path("name").asText()).toList();
  }
}
