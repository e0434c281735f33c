package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commands beyond the standard on AWS (moto) through a real sandbox host on loopback, as an
 * orchestrator calls them: each remote command with its parameters, SaveApp and DeleteSavedApps
 * on the provider, the designer's checks; refusals arrive as INVALID_ARGUMENT with the backend's
 * message. The host decrypts the provider's secret through the orchestrator's callbacks. Moto
 * ends as it began (the fixture checks on close).
 */
class AwsThroughHostTest {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String PATH = "Hangar Cloud Provider.AWS EC2 Instance";
  private static final WireCodec CODEC = WireCodec.standard();
  private final BearerToken token = new BearerToken("aws-host-token-0d1e2f3a4b5c");
  private AwsAppFixture f;
  private CallbackServer orchestrator;
  private SandboxHost host;
  private HostClient client;

  @BeforeEach
  void start() throws Exception {
    f = new AwsAppFixture();
    orchestrator = CallbackServer.start(new HostPort("127.0.0.1", 0), f.bed.api);
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
        BackendRegistry.empty().register(new AwsBackendProvider(AwsTestbed.FAST)));
    client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      host.close();
      orchestrator.close();
    } finally {
      f.close();
    }
  }

  private ObjectNode exposed(Object context) {
    ObjectNode json = CODEC.mapper().valueToTree(context);
    orchestrator.expose(json);
    return json;
  }

  private String remote(ObjectNode app, Command c, Map<String, String> params) {
    return client.call(c, app, null, params, DEADLINE);
  }

  private static void invalid(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void snapshotsPowerCycleReconfigureAndConsoleOnADeployedInstance() throws Exception {
    JsonNode deployed = f.deploy("web-1", "web", Map.of());
    String id = deployed.path("vmUuid").asText();
    ObjectNode web = exposed(f.bed.remote("web", deployed));
    String rootBefore = f.instance(id).blockDeviceMappings().get(0).ebs().volumeId();

    assertThat(remote(web, Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "save_memory", "No"))).isEqualTo("base");
    assertThat(remote(web, Command.REMOTE_GET_SNAPSHOTS, Map.of())).isEqualTo("[\"base\"]");
    invalid(() -> remote(web, Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "mem",
        "save_memory", "Yes")), "memory");
    invalid(() -> remote(web, Command.REMOTE_RESTORE_SNAPSHOT,
        Map.of("snapshot_name", "nope")), "base");
    assertThat(remote(web, Command.REMOTE_RESTORE_SNAPSHOT, Map.of("snapshot_name", "base")))
        .isEmpty();
    String rootAfter = f.instance(id).blockDeviceMappings().get(0).ebs().volumeId();
    assertThat(rootAfter).isNotEqualTo(rootBefore);
    assertThat(f.instance(id).state().nameAsString()).isEqualTo("running");
    assertThat(remote(web, Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "remove_child", "No"))).isEmpty();
    assertThat(remote(web, Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "remove_child", "Yes"))).as("a snapshot already gone").isEmpty();
    assertThat(remote(web, Command.REMOTE_GET_SNAPSHOTS, Map.of())).isEqualTo("[]");
    // A snapshot left at teardown goes with the sandbox (the fixture checks moto ends empty),
    // and expires with its instance.
    assertThat(remote(web, Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "kept",
        "save_memory", "No"))).isEqualTo("kept");
    String expires = Tags.value(f.instance(id).tags(), Tags.EXPIRES);
    assertThat(expires).isNotEmpty();
    assertThat(f.ec2.describeSnapshots(q -> q.ownerIds("self").filters(Tags.tag(Tags.INSTANCE,
        id))).snapshots()).isNotEmpty().allSatisfy(snap ->
            assertThat(Tags.value(snap.tags(), Tags.EXPIRES)).isEqualTo(expires));

    assertThat(remote(web, Command.POWER_CYCLE, Map.of("delay", "0"))).isEmpty();
    assertThat(f.instance(id).state().nameAsString()).isEqualTo("running");
    invalid(() -> remote(web, Command.RECONFIGURE_VM, Map.of("cpu", "2", "ram", "8")),
        "power the app off first");
    client.call(Command.POWER_OFF, web, null, DEADLINE);
    assertThat(remote(web, Command.RECONFIGURE_VM, Map.of("cpu", "2", "ram", "8"))).isEmpty();
    assertThat(f.instance(id).instanceTypeAsString()).isEqualTo("t3.large");
    invalid(() -> remote(web, Command.RECONFIGURE_VM, Map.of("hdd", "1:1")), "disks only grow");

    JsonNode console = CODEC.mapper().readTree(remote(web, Command.GET_VM_CONSOLE, Map.of()));
    assertThat(console.get("kind").asText()).isEqualTo("console-output");
    assertThat(console.get("command").asText()).contains(id + ".port0@serial-console");
    assertThat(console.get("url").asText()).contains(id);
  }

  @Test
  void saveAppDeleteSavedAppsAndTheDesignersChecksOnTheProvider() throws Exception {
    JsonNode deployed = f.deploy("web-2", "web", Map.of());
    ObjectNode provider = exposed(f.bed.resource());

    JsonNode saved = CODEC.mapper().readTree(client.call(Command.SAVE_APP, provider,
        saveRequest(deployed.path("vmUuid").asText()) , DEADLINE))
        .at("/driverResponse/actionResults");
    assertThat(saved).hasSize(2);
    JsonNode ok = saved.get(0);
    assertThat(ok.get("success").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("type").asText()).isEqualTo("SaveApp");
    assertThat(ok.get("saveDeploymentModel").asText()).isEqualTo(PATH);
    String ami = ok.at("/artifacts/0/artifactRef").asText();
    assertThat(ami).startsWith("ami-");
    assertThat(ok.get("savedEntityAttributes").toString())
        .contains("{\"attributeName\":\"AWS AMI Id\",\"attributeValue\":\"" + ami + "\"}");
    JsonNode gone = saved.get(1);
    assertThat(gone.get("success").asBoolean()).isFalse();
    assertThat(gone.get("errorMessage").asText()).contains("i-0000000000000dead");

    String delete = "{\"driverRequest\":{\"actions\":[{\"type\":\"DeleteSavedApp\","
        + "\"actionId\":\"del-1\",\"actionParams\":{\"type\":\"DeleteSavedAppParams\","
        + "\"saveDeploymentModel\":\"" + PATH + "\",\"savedSandboxId\":\"saved-host-1\","
        + "\"savedAppName\":\"web\",\"artifacts\":[{\"artifactRef\":\"" + ami + "\","
        + "\"artifactName\":\"" + ok.at("/artifacts/0/artifactName").asText() + "\"}]}}]}}";
    for (int i = 0; i < 2; i++) {
      JsonNode d = CODEC.mapper().readTree(client.call(Command.DELETE_SAVED_APPS, provider,
          delete, DEADLINE)).at("/driverResponse/actionResults/0");
      assertThat(d.get("type").asText()).isEqualTo("DeleteSavedApp");
      assertThat(d.get("success").asBoolean()).as("delete %d: %s", i, d).isTrue();
    }
    assertThat(f.ec2.describeImages(q -> q.imageIds(ami)).images()).isEmpty();

    String validate = "{\"ActionId\":\"v-1\",\"DeploymentPath\":\"" + PATH + "\","
        + "\"Attributes\":[{\"AttributeName\":\"" + PATH + ".AWS AMI Id\",\"AttributeValue\":\""
        + AwsSandboxTest.AMI + "\"},{\"AttributeName\":\"" + PATH + ".Instance Type\","
        + "\"AttributeValue\":\"t3.micro\"}]}";
    assertThat(CODEC.mapper().readTree(client.call(Command.VALIDATE_ATTRIBUTES, provider,
        validate, DEADLINE)).get("success").asBoolean()).isTrue();
    invalid(() -> client.call(Command.VALIDATE_ATTRIBUTES, provider,
        validate.replace(AwsSandboxTest.AMI, "ami-0000000000000beef"), DEADLINE),
        "AWS AMI Id");
    JsonNode hints = CODEC.mapper().readTree(client.call(Command.GET_ATTRIBUTE_HINTS, provider,
        "{\"DeploymentPath\":\"" + PATH + "\",\"AttributeName\":\"" + PATH
            + ".Instance Type\",\"AttributeValues\":[]}", DEADLINE));
    assertThat(hints.get(0).get("AttributeName").asText()).isEqualTo(PATH + ".Instance Type");
    assertThat(hints.get(0).get("Values").toString()).contains("\"t3.micro\"", "\"t3.large\"");
  }

  /** Two SaveApp actions: the deployed app, and a source instance that does not exist. */
  private static String saveRequest(String source) {
    return "{\"driverRequest\":{\"actions\":[" + saveAction("save-1", source) + ","
        + saveAction("save-gone", "i-0000000000000dead") + "]}}";
  }

  private static String saveAction(String actionId, String source) {
    return "{\"type\":\"SaveApp\",\"actionId\":\"" + actionId + "\",\"actionParams\":{\"type\":"
        + "\"SaveAppParams\",\"saveDeploymentModel\":\"" + PATH + "\",\"savedSandboxId\":"
        + "\"saved-host-1\",\"sourceVmUuid\":\"" + source + "\",\"sourceAppName\":\"web\","
        + "\"deploymentPathAttributes\":[{\"type\":\"Attribute\",\"attributeName\":\"" + PATH
        + ".AWS AMI Id\",\"attributeValue\":\"" + AwsSandboxTest.AMI + "\"},{\"type\":"
        + "\"Attribute\",\"attributeName\":\"" + PATH + ".Instance Type\",\"attributeValue\":"
        + "\"t3.micro\"}]}}";
  }
}
