package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.ClientTls;
import dev.hangar.host.ContextMessages;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.proto.v1.ResourceCommandRequest;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the sandbox host adds to a command (DESIGN's budget: under 1 ms at p50): GetVmDetails of
 * one VM on the KVM backend (libvirt {@code test:///default}, a private ovsdb-server) called
 * in-process on the driver ({@code inProcess*}, the baseline) and through the host over gRPC on
 * loopback, with the bearer token ({@code host*}), with 1 and 64 calls in flight; and a health
 * check through the same channel and server ({@code healthCheck1}), the floor any gRPC call on
 * loopback pays on this machine, which shows how much of the added time is the transport and
 * how much the host's own work (the hop to the command pool, the context). Sample time:
 * JMH prints p50 and p99 per benchmark; calls/s = threads / mean. The host's per-command log line
 * is off (HANGAR_LOG_LEVEL=WARN), or 64 threads would measure the console.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Long warm-up: a call takes about a millisecond, and gRPC, Netty and protobuf need tens of
// thousands of calls before the JIT has compiled their paths.
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-DHANGAR_LOG_LEVEL=WARN")
public class HostOverheadBenchmark {
  private static final String KERNEL_PATH = "Hangar Cloud Provider.KVM VM From Kernel";
  private static final WireCodec CODEC = WireCodec.standard();

  private EmbeddedHypervisor hypervisor;
  private PrivateOvsdbServer ovsdb;
  private BackendRegistry backends;
  private CloudProviderDriver driver;
  private SandboxHost host;
  private HostClient client;
  private CloudProviderGrpc.CloudProviderBlockingStub stub;
  private ResourceCommandContext context;
  private String details;
  private ResourceCommandRequest detailsCall;
  private HealthGrpc.HealthBlockingStub health;

  @Setup(Level.Trial)
  public void start() throws Exception {
    hypervisor = EmbeddedHypervisor.open();
    ovsdb = PrivateOvsdbServer.start("br-int");
    backends = BackendRegistry.loadInstalled();
    driver = new CloudProviderDriver(backends, c -> RecordingOrchestratorApi.silent());
    ObjectNode contextJson = contextJson(ovsdb.tcpRemote());
    context = CODEC.convert(contextJson, ResourceCommandContext.class, "context");
    JsonNode deployed = CODEC.readTree(driver.deploy(context, deployRequest(),
        CancellationContext.NONE), "response").at("/driverResponse/actionResults/0");
    if (!deployed.path("success").asBoolean()) {
      throw new IllegalStateException("deploy failed: " + deployed);
    }
    details = detailsRequest(deployed);

    BearerToken token = new BearerToken("bench-token-0123456789abcdef");
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token), backends);
    client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
    stub = client.stub();
    health = HealthGrpc.newBlockingStub(stub.getChannel())
        .withCallCredentials(token.credentials());
    detailsCall = ResourceCommandRequest.newBuilder().setContext(ContextMessages.fromJson(
        contextJson, dev.hangar.proto.v1.ResourceCommandContext.newBuilder(), "context"))
        .setRequestJson(details).build();
    String viaHost = stub.getVmDetails(detailsCall).getResponseJson();
    if (!viaHost.equals(inProcess1())) {
      throw new IllegalStateException("the host answers differently: " + viaHost);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    host.close();
    backends.close();
    ovsdb.close();
    hypervisor.close();
  }

  @Benchmark
  @Threads(1)
  public String inProcess1() {
    return driver.getVmDetails(context, details, CancellationContext.NONE);
  }

  @Benchmark
  @Threads(1)
  public String host1() {
    return stub.getVmDetails(detailsCall).getResponseJson();
  }

  /**
   * The floor under {@code host1}: a health check through the same channel, token and server,
   * answered on the transport's thread: what a gRPC call on loopback costs here at all.
   */
  @Benchmark
  @Threads(1)
  public HealthCheckResponse healthCheck1() {
    return health.check(HealthCheckRequest.getDefaultInstance());
  }

  @Benchmark
  @Threads(64)
  public String inProcess64() {
    return driver.getVmDetails(context, details, CancellationContext.NONE);
  }

  @Benchmark
  @Threads(64)
  public String host64() {
    return stub.getVmDetails(detailsCall).getResponseJson();
  }

  private static ObjectNode contextJson(String ovsdbRemote) {
    ObjectMapper m = CODEC.mapper();
    ObjectNode ctx = m.createObjectNode();
    ctx.putObject("connectivity").put("server_address", "127.0.0.1")
        .put("cloudshell_api_port", "8029").put("admin_auth_token", "bench-admin-token");
    ObjectNode resource = ctx.putObject("resource").put("name", "hangar-kvm")
        .put("fullname", "hangar-kvm").put("model", "Hangar Cloud Provider");
    resource.putObject("attributes")
        .put("Hangar Cloud Provider.Cloud Type", "KVM")
        .put("Hangar Cloud Provider.Networking type", "L2")
        .put("Hangar Cloud Provider.Hypervisors", EmbeddedHypervisor.URI)
        .put("Hangar Cloud Provider.OVS Bridge", "br-int")
        .put("Hangar Cloud Provider.OVSDB Remote", ovsdbRemote)
        .put("Hangar Cloud Provider.Storage Pool", EmbeddedHypervisor.POOL);
    ctx.putObject("reservation").put("reservation_id", "bench-sandbox");
    return ctx;
  }

  private static String deployRequest() {
    ObjectMapper m = CODEC.mapper();
    ObjectNode action = m.createObjectNode().put("type", "deployApp").put("actionId", "bench-1");
    ObjectNode params = action.putObject("actionParams").put("appName", "bench");
    ObjectNode deployment = params.putObject("deployment").put("deploymentPath", KERNEL_PATH);
    ArrayNode attrs = deployment.putArray("attributes");
    attrs.addObject().put("attributeName", KERNEL_PATH + ".Kernel")
        .put("attributeValue", "/boot/vmlinuz");
    attrs.addObject().put("attributeName", KERNEL_PATH + ".NIC Count").put("attributeValue", "1");
    attrs.addObject().put("attributeName", KERNEL_PATH + ".Wait for IP")
        .put("attributeValue", "False");
    params.putObject("appResource").putArray("attributes");
    ObjectNode request = m.createObjectNode();
    request.putObject("driverRequest").putArray("actions").add(action);
    return request.toString();
  }

  /** {"items":[...]} for the VM a DeployApp result describes, as the platform builds it. */
  private static String detailsRequest(JsonNode deployed) {
    ObjectMapper m = CODEC.mapper();
    ObjectNode item = m.createObjectNode();
    item.putObject("appRequestJson").put("name", "bench").putObject("deploymentService")
        .put("model", KERNEL_PATH).putArray("attributes");
    ObjectNode vmdetails = item.putObject("deployedAppJson")
        .put("name", deployed.path("vmName").asText()).putObject("vmdetails")
        .put("uid", deployed.path("vmUuid").asText());
    ArrayNode custom = vmdetails.putArray("vmCustomParams");
    deployed.path("deployedAppAdditionalData").properties().forEach(e ->
        custom.addObject().put("name", e.getKey()).put("value", e.getValue().asText()));
    ObjectNode request = m.createObjectNode();
    request.putArray("items").add(item);
    return request.toString();
  }
}
