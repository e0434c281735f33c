package dev.hangar.host;

import static dev.hangar.host.HostInProcessTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.ResourceCommandRequest;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.LogCapture;
import dev.hangar.testing.Samples;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests through a real host on loopback (Netty, bearer token): unreadable JSON,
 * wrong types, unknown actions, oversized requests, 10 000 actions, bad VLANs, wrong tokens. Each
 * gets a clear error (a status for what cannot be read, a per-action error for a bad action among
 * good ones), the host keeps serving, and no secret of the context reaches a response, a status
 * or a log line. The backend is the in-memory cloud: what matters here is the host and the
 * driver's reading; HostileValuesTest sends metacharacters to real libvirt and OVSDB.
 */
class HostileRequestsTest {
  private static final String KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  /** A password attribute of the provider: the driver must mask it wherever it appears. */
  private static final String PASSWORD = "pw-Zq8!vR2#kT5";
  private static final WireCodec CODEC = WireCodec.standard();
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private SandboxHost host;
  private HostClient client;
  private HostTesting.Orchestrator orchestrator;
  private LogCapture logs;
  /** Every response and status description seen, checked for secrets after each test. */
  private final List<String> seen = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture();
    host = HostTesting.loopbackHost(BackendRegistry.empty().register(kvm));
    client = HostTesting.client(host);
    orchestrator = HostTesting.Orchestrator.start();
  }

  @AfterEach
  void stop() {
    try {
      String logged = logs.text();
      for (String secret : List.of(PASSWORD, Contexts.TOKEN, HostTesting.HOST_TOKEN)) {
        assertThat(seen).as("responses").noneMatch(s -> s.contains(secret));
        assertThat(logged).as("log lines").doesNotContain(secret);
      }
    } finally {
      logs.close();
      client.close();
      host.shutdown(Duration.ZERO);
      orchestrator.close();
    }
  }

  private ObjectNode context() {
    Map<String, String> attrs = new LinkedHashMap<>(Contexts.kvmAttributes());
    attrs.put("Hangar Cloud Provider.SSH Password", PASSWORD);
    return orchestrator.expose(HostTesting.resourceContext(attrs));
  }

  /** Runs a command; returns its response, or the status it raised as "CODE: description". */
  private String run(Command command, String request) {
    String seenText;
    try {
      seenText = client.call(command, context(), request, Duration.ofSeconds(60));
    } catch (io.grpc.StatusRuntimeException e) {
      seenText = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }
    seen.add(seenText);
    return seenText;
  }

  private JsonNode results(String response) {
    assertThat(response).as("an answer, not a status").startsWith("{\"driverResponse\"");
    return CODEC.readTree(response, "response").path("driverResponse").path("actionResults");
  }

  /** The host still answers a plain call (it did not crash, hang or lose its pool). */
  private void stillServing() {
    assertThat(client.call(Command.GET_VM_DETAILS, context(), "{\"items\":[]}",
        Duration.ofSeconds(10))).isEqualTo("[]");
  }

  private static String deploy(String actionId, String app) {
    return Contexts.deployApp(actionId, app, KERNEL);
  }

  @Test
  void unreadableRequestsAreInvalidArgumentWithWhereTheyBroke() throws Exception {
    String sample = Files.readString(Samples.dir().resolve("requests/deploy-kvm-template.json"));
    List<String> hostile = new ArrayList<>(List.of("{", "{\"driverRequest\":", "[]", "null",
        "42", "\"text\"", "{\"driverRequest\":[]}", "{\"driverRequest\":{\"actions\":{}}}",
        "{\"driverRequest\":{\"actions\":\"deployApp\"}}", "{\"driverRequest\":{}}",
        "\u0000\u0001", "{\"driverRequest\":{\"actions\":[]}} trailing", "\uFEFF{}",
        // A secret of the context inside a broken document: the error must not quote it.
        "{\"driverRequest\":{\"actions\":[{\"type\":\"deployApp\",\"actionId\":\"" + PASSWORD,
        "{\"driverRequest\":{\"actions\":[{\"type\":" + PASSWORD + "}]}}",
        // Nesting and number sizes past Jackson's stream limits.
        "[".repeat(5000) + "]".repeat(5000),
        "{\"driverRequest\":{\"actions\":[{\"type\":\"setVlan\",\"actionId\":\"n\","
            + "\"connectionParams\":{\"vlanId\":" + "9".repeat(5000) + "}}]}}"));
    // The sample cut short at many points, as a dropped connection or a bad copy would.
    for (int cut = 1; cut < sample.length() - 1; cut += Math.max(1, sample.length() / 40)) {
      hostile.add(sample.substring(0, cut));
    }
    for (String request : hostile) {
      String out = run(Command.DEPLOY, request);
      assertThat(out).as(abbreviate(request)).startsWith("INVALID_ARGUMENT: ")
          .doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(run(Command.DEPLOY, "")).isEqualTo("INVALID_ARGUMENT: Deploy needs a request");
    assertThat(run(Command.APPLY_CONNECTIVITY_CHANGES, "{\"driverRequest\":"))
        .startsWith("INVALID_ARGUMENT: the request is not valid JSON at line 1");
    assertThat(run(Command.GET_VM_DETAILS, "{\"items\":{}}")).startsWith("INVALID_ARGUMENT: ");
    assertThat(run(Command.SET_APP_SECURITY_GROUPS, "{\"not\":\"a list\"}"))
        .startsWith("INVALID_ARGUMENT: ");
    stillServing();
    assertThat(kvm.vms()).isEmpty();
  }

  @Test
  void wrongTypesAndUnknownActionsFailAloneAndTheGoodActionRuns() {
    List<String> actions = List.of(
        deploy("good-1", "web"),
        "{\"type\":\"launchMissiles\",\"actionId\":\"u-1\"}",
        "{\"type\":\"deployApp\",\"actionId\":\"t-1\",\"actionParams\":\"not an object\"}",
        "{\"type\":\"deployApp\",\"actionId\":\"t-2\",\"actionParams\":{\"appName\":[\"x\"],"
            + "\"deployment\":42}}",
        "{\"type\":\"deployApp\",\"actionId\":{\"nested\":true}}",
        "{\"type\":\"deployApp\"}",
        "{\"type\":42,\"actionId\":\"t-3\"}",
        "{\"type\":\"" + PASSWORD + "\",\"actionId\":\"t-4\"}",
        "17", "null", "\"deployApp\"", "[]",
        deploy("dup", "a"), deploy("dup", "b"));
    JsonNode results = results(run(Command.DEPLOY, Contexts.request(
        actions.toArray(String[]::new))));

    Map<String, JsonNode> byId = new LinkedHashMap<>();
    results.forEach(r -> byId.put(r.path("actionId").asText(), r));
    assertThat(byId.get("good-1").path("success").asBoolean()).as(results.toString()).isTrue();
    assertThat(byId.get("u-1").path("errorMessage").asText()).contains("launchMissiles");
    for (String id : List.of("u-1", "t-1", "t-2", "t-3", "t-4", "dup")) {
      assertThat(byId).as(id + " in " + results).containsKey(id);
      assertThat(byId.get(id).path("success").asBoolean()).isFalse();
      assertThat(byId.get(id).path("errorMessage").asText()).as(id).isNotBlank()
          .doesNotContain("Exception");
    }
    assertThat(byId.get("dup").path("errorMessage").asText()).contains("appears 2 times");
    // Actions without a usable id are reported too (with an empty id), never dropped silently.
    assertThat(results.size()).isGreaterThanOrEqualTo(byId.size() + 1);
    assertThat(kvm.vms().values()).extracting(InMemoryCloud.Vm::actionId)
        .containsExactly("good-1");
    stillServing();
  }

  @Test
  void badVlansGetAnErrorEachAndTheGoodSetVlanIsApplied() {
    JsonNode web = results(run(Command.DEPLOY, Contexts.request(deploy("d-1", "web")))).get(0);
    String uid = web.path("vmUuid").asText();
    Map<String, String> vlans = new LinkedHashMap<>();
    vlans.put("v0", "0");
    vlans.put("v4095", "4095");
    vlans.put("v5000", "5000");
    vlans.put("vabc", "abc");
    vlans.put("vneg", "-1");
    vlans.put("vempty", "");
    vlans.put("vrange", "10-20");
    vlans.put("vlist", "10,11");
    vlans.put("vshell", "10; ovs-vsctl del-br br-int");
    List<String> actions = new ArrayList<>();
    vlans.forEach((id, vlan) -> actions.add(Contexts.setVlan(id, uid, vlan)));
    actions.add(Contexts.setVlan("good", uid, "10"));
    JsonNode results = results(run(Command.APPLY_CONNECTIVITY_CHANGES, Contexts.request(
        actions.toArray(String[]::new))));

    assertThat(results).hasSize(vlans.size() + 1);
    for (JsonNode r : results) {
      String id = r.path("actionId").asText();
      if (id.equals("good")) {
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      } else {
        assertThat(r.path("success").asBoolean()).as(r.toString()).isFalse();
        assertThat(r.path("errorMessage").asText()).as(id).containsAnyOf("vlanId",
            "single VLAN");
      }
    }
    assertThat(byId(results, "vrange").path("errorMessage").asText())
        .contains("Access mode takes a single VLAN");
    assertThat(kvm.vms().get(uid).vlan()).isEqualTo("10");
    stillServing();
  }

  @Test
  void tenThousandActionsEachGetTheirResult() {
    List<String> actions = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      actions.add(i % 2 == 0 ? Contexts.setVlan("a-" + i, "00000000-0000-4000-8000-0000000000"
          + String.format("%02d", i % 100), "5000")
          : "{\"type\":\"teleport\",\"actionId\":\"a-" + i + "\"}");
    }
    long t0 = System.nanoTime();
    JsonNode results = results(run(Command.APPLY_CONNECTIVITY_CHANGES, Contexts.request(
        actions.toArray(String[]::new))));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertThat(results).hasSize(10_000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(results.get(i).path("actionId").asText()).isEqualTo("a-" + i);
      assertThat(results.get(i).path("success").asBoolean()).isFalse();
    }
    // Not a timing budget (benchmarks measure); a bound that catches a quadratic blow-up.
    assertThat(ms).as("10 000 actions answered in ms").isLessThan(30_000);
    stillServing();
  }

  @Test
  void aTenMegabyteRequestIsRefusedByItsSizeAndTheHostServesOn() {
    String big = Contexts.request(Contexts.deployApp("big-1", "x".repeat(10 * 1024 * 1024),
        KERNEL));
    String out = run(Command.DEPLOY, big);
    assertThat(out).startsWith("RESOURCE_EXHAUSTED: ").contains("exceeds maximum size");
    // Under gRPC's 4 MiB message bound the driver reads it and answers per action (1 MiB: the
    // response repeats the app name, and the client takes at most 4 MiB too).
    String large = Contexts.request(Contexts.deployApp("large-1", "y".repeat(1024 * 1024),
        KERNEL), "{\"type\":\"nope\",\"actionId\":\"n-1\"}");
    JsonNode results = results(run(Command.DEPLOY, large));
    assertThat(results).hasSize(2);
    assertThat(byId(results, "n-1").path("success").asBoolean()).isFalse();
    stillServing();
  }

  @Test
  void wrongAndMissingTokensAreUnauthenticatedAndNeverLogged() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder(host.address().toString(),
        InsecureChannelCredentials.create()).build();
    try {
      ResourceCommandRequest call = ResourceCommandRequest.newBuilder().setContext(
          ContextMessages.fromJson(context(), dev.hangar.proto.v1.ResourceCommandContext
              .newBuilder(), "context")).setRequestJson("{\"items\":[]}").build();
      List<String> headers = new ArrayList<>(List.of("", "Bearer", "Bearer ",
          "Bearer " + HostTesting.HOST_TOKEN + "x", "Bearer " + HostTesting.HOST_TOKEN
              .substring(1), "bearer" + HostTesting.HOST_TOKEN, "Basic "
              + HostTesting.HOST_TOKEN, HostTesting.HOST_TOKEN, "Bearer " + Contexts.TOKEN,
          // Under gRPC's 8 KiB header bound (past it Netty refuses the stream: INTERNAL).
          "Bearer " + "A".repeat(4000), "Bearer \u00e9\u00e8"));
      for (String header : headers) {
        Status s = status(() -> CloudProviderGrpc.newBlockingStub(channel)
            .withCallCredentials(raw(header)).withDeadlineAfter(10,
                java.util.concurrent.TimeUnit.SECONDS).getVmDetails(call));
        seen.add(s.getCode() + ": " + s.getDescription());
        assertThat(s.getCode()).as(abbreviate(header)).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
      Status none = status(() -> CloudProviderGrpc.newBlockingStub(channel).getVmDetails(call));
      assertThat(none.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      channel.shutdownNow();
    }
    stillServing();
  }

  private static JsonNode byId(JsonNode results, String id) {
    for (JsonNode r : results) {
      if (r.path("actionId").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no result for " + id + " in " + results);
  }

  /** Sends {@code value} as the authorization header, as is. */
  private static CallCredentials raw(String value) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier m) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        m.apply(md);
      }
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + " chars)" : s;
  }
}
