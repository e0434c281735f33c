package dev.hangar.driver.kvm;

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
import dev.hangar.testing.Contexts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/**
 * The commands beyond the standard on KVM (libvirt's test driver, a private ovsdb-server) through
 * a real sandbox host on loopback, as an orchestrator calls them: the remote commands with their
 * parameters, SaveApp (whose template then deploys) and DeleteSavedApps, the designer's checks;
 * refusals arrive as INVALID_ARGUMENT with the backend's message. What needs a real qemu (a memory
 * snapshot bringing back a guest's file, a saved disk that boots) is KvmBeyondStandardRealTest.
 */
class KvmThroughHostTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String PATH = KvmTestbed.PATH_TEMPLATE;
  private static final WireCodec CODEC = WireCodec.standard();
  private final BearerToken token = new BearerToken("kvm-host-token-7a6b5c4d3e2f");
  private KvmTestbed bed;
  private CallbackServer orchestrator;
  private SandboxHost host;
  private HostClient client;
  private JsonNode web;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    orchestrator = CallbackServer.start(new HostPort("127.0.0.1", 0), bed.api);
    // The host's driver shares the testbed's provider: test:/// state lives in its connection.
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
        BackendRegistry.empty().register(bed.provider));
    client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
    web = bed.deploy("act-web", "web", PATH, templateAttrs("tmpl.qcow2"));
    assertThat(web.path("success").asBoolean()).as(web.toString()).isTrue();
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

  private static Map<String, String> templateAttrs(String template) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", template);
    a.put("CPU", "1");
    a.put("RAM", "512");
    a.put("NIC Count", "0");
    return a;
  }

  private ObjectNode exposed(Object context) {
    ObjectNode json = CODEC.mapper().valueToTree(context);
    orchestrator.expose(json);
    return json;
  }

  private String remote(Command c, Map<String, String> params) {
    return client.call(c, exposed(bed.remote(web)), null, params, DEADLINE);
  }

  private String provider(Command c, String request) {
    return client.call(c, exposed(Contexts.resource(bed.attributes)), request, DEADLINE);
  }

  private Domain domain() throws Exception {
    return bed.libvirt().domainLookupByUUIDString(web.path("vmUuid").asText());
  }

  private static void invalid(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void snapshotsPowerCycleReconfigureAndConsole() throws Exception {
    assertThat(remote(Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "save_memory", "Yes"))).isEqualTo("base");
    assertThat(remote(Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "child",
        "save_memory", "No"))).isEqualTo("base/child");
    assertThat(remote(Command.REMOTE_GET_SNAPSHOTS, Map.of()))
        .isEqualTo("[\"base\",\"base/child\"]");
    invalid(() -> remote(Command.REMOTE_RESTORE_SNAPSHOT, Map.of("snapshot_name", "nope")),
        "no snapshot 'nope'");
    invalid(() -> remote(Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "a/b",
        "save_memory", "No")), "snapshot_name");
    assertThat(remote(Command.REMOTE_RESTORE_SNAPSHOT, Map.of("snapshot_name", "base/child")))
        .isEmpty();
    assertThat(domain().isActive()).as("a snapshot without memory restores powered off")
        .isZero();
    assertThat(remote(Command.REMOTE_RESTORE_SNAPSHOT, Map.of("snapshot_name", "base")))
        .isEmpty();
    assertThat(domain().isActive()).as("a snapshot with memory restores running").isEqualTo(1);
    assertThat(remote(Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "remove_child", "Yes"))).isEmpty();
    assertThat(remote(Command.REMOTE_GET_SNAPSHOTS, Map.of())).isEqualTo("[]");

    assertThat(remote(Command.POWER_CYCLE, Map.of("delay", "0"))).isEmpty();
    assertThat(domain().isActive()).isEqualTo(1);
    JsonNode console = CODEC.mapper().readTree(remote(Command.GET_VM_CONSOLE, Map.of()));
    assertThat(console.get("kind").asText()).isIn("vnc", "serial");
    assertThat(console.toString()).contains(web.path("vmUuid").asText());

    invalid(() -> remote(Command.RECONFIGURE_VM, Map.of("cpu", "2")), "running");
    client.call(Command.POWER_OFF, exposed(bed.remote(web)), null, DEADLINE);
    assertThat(remote(Command.RECONFIGURE_VM, Map.of("cpu", "2", "ram", "1"))).isEmpty();
    String xml = domain().getXMLDesc(0);
    assertThat(xml).containsPattern("<vcpu[^>]*>2</vcpu>")
        .containsPattern("<memory unit=.KiB.>1048576</memory>");
    invalid(() -> remote(Command.RECONFIGURE_VM, Map.of("hdd", "1:1")), "cannot shrink");
    invalid(() -> remote(Command.RECONFIGURE_VM, Map.of("hdd", "3:5")),
        "the next new disk is number 2");
    invalid(() -> remote(Command.GET_VM_CONSOLE, Map.of()), "powered off");
  }

  @Test
  void saveAppDeploysItsTemplateAndDeleteSavedAppsTwice() throws Exception {
    String uuid = web.path("vmUuid").asText();
    JsonNode saved = CODEC.mapper().readTree(provider(Command.SAVE_APP, "{\"driverRequest\":"
        + "{\"actions\":[" + saveAction("save-1", uuid) + "," + saveAction("save-gone",
        "00000000-0000-4000-8000-00000000dead") + "]}}")).at("/driverResponse/actionResults");
    JsonNode ok = saved.get(0);
    assertThat(ok.get("success").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("saveDeploymentModel").asText()).isEqualTo(PATH);
    String volume = ok.at("/artifacts/0/artifactName").asText();
    assertThat(volume).startsWith("saved-sb-host-web-").endsWith(".qcow2");
    assertThat(bed.volumes()).contains(volume);
    assertThat(ok.get("savedEntityAttributes").toString())
        .contains("{\"attributeName\":\"Template\",\"attributeValue\":\"" + volume + "\"}");
    JsonNode retried = CODEC.mapper().readTree(provider(Command.SAVE_APP, "{\"driverRequest\":"
        + "{\"actions\":[" + saveAction("save-1", uuid) + "]}}"))
        .at("/driverResponse/actionResults/0");
    assertThat(retried.at("/artifacts/0")).as("a retried SaveApp makes the same volume")
        .isEqualTo(ok.at("/artifacts/0"));
    assertThat(bed.volumes().stream().filter(v -> v.startsWith("saved-"))).hasSize(1);
    assertThat(saved.get(1).get("success").asBoolean()).isFalse();
    assertThat(saved.get(1).get("errorMessage").asText()).contains("no longer exists");

    JsonNode restored = bed.deploy("act-restored", "web-restored", PATH,
        templateAttrs(volume));
    assertThat(restored.path("success").asBoolean()).as(restored.toString()).isTrue();
    client.call(Command.DELETE_INSTANCE, exposed(bed.remote(restored)), null, DEADLINE);

    String delete = "{\"driverRequest\":{\"actions\":[{\"type\":\"DeleteSavedApp\","
        + "\"actionId\":\"del-1\",\"actionParams\":{\"type\":\"DeleteSavedAppParams\","
        + "\"saveDeploymentModel\":\"" + PATH + "\",\"savedSandboxId\":\"sb-host\","
        + "\"savedAppName\":\"web\",\"artifacts\":[" + ok.at("/artifacts/0") + "]}}]}}";
    for (int i = 0; i < 2; i++) {
      JsonNode d = CODEC.mapper().readTree(provider(Command.DELETE_SAVED_APPS, delete))
          .at("/driverResponse/actionResults/0");
      assertThat(d.get("type").asText()).isEqualTo("DeleteSavedApp");
      assertThat(d.get("success").asBoolean()).as("delete %d: %s", i, d).isTrue();
    }
    assertThat(bed.volumes()).doesNotContain(volume);
  }

  @Test
  void theDesignersChecksAndHints() throws Exception {
    String validate = "{\"ActionId\":\"v-1\",\"DeploymentPath\":\"" + PATH + "\",\"Attributes\":"
        + "[{\"AttributeName\":\"" + PATH + ".Template\",\"AttributeValue\":\"tmpl.qcow2\"},"
        + "{\"AttributeName\":\"" + PATH + ".CPU\",\"AttributeValue\":\"2\"}]}";
    JsonNode ok = CODEC.mapper().readTree(provider(Command.VALIDATE_ATTRIBUTES, validate));
    assertThat(ok.get("type").asText()).isEqualTo("ValidateAttributes");
    assertThat(ok.get("success").asBoolean()).isTrue();
    invalid(() -> provider(Command.VALIDATE_ATTRIBUTES,
        validate.replace("tmpl.qcow2", "nope.qcow2")), "Template 'nope.qcow2' is not a volume");
    JsonNode hints = CODEC.mapper().readTree(provider(Command.GET_ATTRIBUTE_HINTS,
        "{\"DeploymentPath\":\"" + PATH + "\",\"AttributeName\":\"" + PATH + ".Template\","
            + "\"AttributeValues\":[]}"));
    assertThat(hints.get(0).get("AttributeName").asText()).isEqualTo(PATH + ".Template");
    assertThat(hints.get(0).get("Values").toString()).isEqualTo("[\"tmpl.qcow2\"]")
        .as("the deployed VM's own disk is no template");
  }

  private static String saveAction(String actionId, String source) {
    return "{\"type\":\"SaveApp\",\"actionId\":\"" + actionId + "\",\"actionParams\":{\"type\":"
        + "\"SaveAppParams\",\"saveDeploymentModel\":\"" + PATH + "\",\"savedSandboxId\":"
        + "\"sb-host\",\"sourceVmUuid\":\"" + source + "\",\"sourceAppName\":\"web\","
        + "\"deploymentPathAttributes\":[{\"type\":\"Attribute\",\"attributeName\":\"" + PATH
        + ".Template\",\"attributeValue\":\"tmpl.qcow2\"},{\"type\":\"Attribute\","
        + "\"attributeName\":\"" + PATH + ".CPU\",\"attributeValue\":\"1\"}]}}";
  }
}
