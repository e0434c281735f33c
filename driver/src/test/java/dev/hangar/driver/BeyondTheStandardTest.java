package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.testing.CapableCloud;
import dev.hangar.testing.Contexts;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The commands beyond the standard through the dispatcher, on a backend that records the typed
 * SPI values it was given: parameters parsed and checked before any cloud call, capabilities a
 * backend lacks refused clearly, per-action results for SaveApp and DeleteSavedApps.
 */
class BeyondTheStandardTest {
  private static final String KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  private static final String TEMPLATE = "Hangar Cloud Provider.KVM VM From Template";
  private final WireCodec codec = WireCodec.standard();
  private final CapableCloud cloud = CapableCloud.capable();
  private final CapableCloud bare = CapableCloud.bare();
  private final ResourceRemoteCommandContext web = Contexts.remote(Contexts.kvmAttributes(),
      "web", "u-1", "Public IP");
  private final ResourceCommandContext provider = Contexts.resource(Contexts.kvmAttributes());

  private static CommandDispatcher dispatcher(CapableCloud c) {
    return new CommandDispatcher(new CloudProviderDriver(BackendRegistry.empty().register(c),
        x -> RecordingOrchestratorApi.silent()));
  }

  private String remote(CapableCloud c, Command command, Map<String, String> params) {
    return dispatcher(c).dispatch(command, web, null, params, CancellationContext.NONE);
  }

  private String resource(CapableCloud c, Command command, String request) {
    return dispatcher(c).dispatch(command, provider, request, Map.of(), CancellationContext.NONE);
  }

  @Test
  void snapshotsAreSavedListedRestoredAndRemovedByPath() throws Exception {
    assertThat(remote(cloud, Command.REMOTE_SAVE_SNAPSHOT,
        Map.of("snapshot_name", " base ", "save_memory", "yes"))).isEqualTo("base");
    assertThat(remote(cloud, Command.REMOTE_SAVE_SNAPSHOT, Map.of("snapshot_name", "after")))
        .isEqualTo("base/after");
    assertThat(codec.mapper().readTree(remote(cloud, Command.REMOTE_GET_SNAPSHOTS, Map.of())))
        .containsExactly(codec.mapper().getNodeFactory().textNode("base"),
            codec.mapper().getNodeFactory().textNode("base/after"));
    assertThat(remote(cloud, Command.REMOTE_RESTORE_SNAPSHOT,
        Map.of("snapshot_name", "base/after"))).isEmpty();
    // The backend's ClientException reaches the caller with its message.
    assertThatThrownBy(() -> remote(cloud, Command.REMOTE_RESTORE_SNAPSHOT,
        Map.of("snapshot_name", "nope"))).isInstanceOf(ClientException.class)
        .hasMessage("VM web has no snapshot 'nope'; it has: base, base/after");
    remote(cloud, Command.REMOTE_REMOVE_SNAPSHOT, Map.of("snapshot_name", "base",
        "remove_child", "Yes"));
    assertThat(cloud.log()).containsExactly("snapshot.save u-1 base memory=true",
        "snapshot.save u-1 after memory=false", "snapshot.list u-1",
        "snapshot.restore u-1 base/after", "snapshot.remove u-1 base children=true");
  }

  @Test
  void badParametersAreRefusedBeforeAnyCloudCall() {
    Map<Map<String, String>, String> bad = Map.of(
        Map.of("snapshot_name", "a/b"), "snapshot_name 'a/b' contains '/'",
        Map.of("snapshot_name", "  "), "remote_save_snapshot needs the parameter snapshot_name",
        Map.of("snapshot_name", "s", "save_memory", "Maybe"),
        "remote_save_snapshot: save_memory must be Yes or No, not 'Maybe'",
        Map.of("snapshot_name", "s", "memory", "Yes"),
        "remote_save_snapshot has no parameter 'memory'; its parameters: snapshot_name,"
            + " save_memory");
    bad.forEach((params, message) -> assertThatThrownBy(() -> remote(cloud,
        Command.REMOTE_SAVE_SNAPSHOT, params)).as(params.toString())
        .isInstanceOf(ClientException.class).hasMessageContaining(message));
    assertThatThrownBy(() -> remote(cloud, Command.REMOTE_REMOVE_SNAPSHOT,
        Map.of("snapshot_name", "a//b"))).hasMessageContaining("has an empty name in it");
    assertThatThrownBy(() -> remote(cloud, Command.POWER_ON, Map.of("delay", "1")))
        .isInstanceOf(ClientException.class).hasMessageContaining("PowerOn takes no parameters");
    assertThat(cloud.log()).isEmpty();
  }

  @Test
  void reconfigureTakesTheVcenterSyntaxAsTypedValues() {
    remote(cloud, Command.RECONFIGURE_VM, Map.of("cpu", "2", "ram", "0.5",
        "hdd", "Hard Disk 1:100; 2:200"));
    remote(cloud, Command.RECONFIGURE_VM, Map.of("ram", "4"));
    assertThat(cloud.received()).containsExactly(
        new VmReshape(OptionalInt.of(2), OptionalLong.of(512), Map.of(1, 100L, 2, 200L)),
        new VmReshape(OptionalInt.empty(), OptionalLong.of(4096), Map.of()));
    Map<String, String> bad = Map.of("", "needs at least one of cpu, ram",
        "cpu=0", "cpu must be a whole number of CPUs from 1 to 1024, not '0'",
        "cpu=two", "cpu must be a whole number", "ram=-1", "ram must be more than 0 GB",
        "hdd=1:100;1:200", "hdd names Hard Disk 1 twice", "hdd=disk1=100", "is not DISK:SIZE",
        "hdd=1:1.5", "must be a whole number of GB, not '1.5'", "hdd=0:10",
        "disks are numbered from 1");
    bad.forEach((param, message) -> {
      Map<String, String> p = param.isEmpty() ? Map.of()
          : Map.of(param.substring(0, param.indexOf('=')), param.substring(param.indexOf('=') + 1));
      assertThatThrownBy(() -> remote(cloud, Command.RECONFIGURE_VM, p)).as(param)
          .isInstanceOf(ClientException.class).hasMessageContaining(message);
    });
    // A shrink is the backend's refusal, passed on as it said it.
    assertThatThrownBy(() -> remote(cloud, Command.RECONFIGURE_VM, Map.of("hdd", "1:5")))
        .isInstanceOf(ClientException.class)
        .hasMessage("Hard Disk 1 of web is 10 GiB; a disk cannot shrink (asked 5 GiB)");
  }

  @Test
  void theConsoleIsOneJsonObjectWithEveryKey() throws Exception {
    JsonNode c = codec.mapper().readTree(remote(cloud, Command.GET_VM_CONSOLE, Map.of()));
    List<String> keys = new java.util.ArrayList<>();
    c.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("kind", "url", "command", "text", "note");
    assertThat(c.get("kind").asText()).isEqualTo("vnc");
    assertThat(c.get("url").asText()).isEqualTo("vnc://hv1.example:5901");
    assertThat(c.get("text").asText()).isEmpty();
  }

  @Test
  void aCloudWithoutThePartSaysSoNamingTheCommandAndTheCloudType() throws Exception {
    for (Command c : List.of(Command.REMOTE_GET_SNAPSHOTS, Command.GET_VM_CONSOLE)) {
      assertThatThrownBy(() -> remote(bare, c, Map.of())).isInstanceOf(ClientException.class)
          .hasMessageStartingWith(c.standardName() + " is not supported for Cloud Type 'KVM'");
    }
    assertThatThrownBy(() -> remote(bare, Command.RECONFIGURE_VM, Map.of("cpu", "1")))
        .isInstanceOf(ClientException.class)
        .hasMessageStartingWith("reconfigure_vm is not supported for Cloud Type 'KVM'");
    JsonNode r = codec.mapper().readTree(resource(bare, Command.SAVE_APP, saveRequest("s1", "u-1")))
        .at("/driverResponse/actionResults/0");
    assertThat(r.get("type").asText()).isEqualTo("SaveApp");
    assertThat(r.get("success").asBoolean()).isFalse();
    assertThat(r.get("errorMessage").asText())
        .startsWith("SaveApp is not supported for Cloud Type 'KVM'");
    // PowerCycle needs only power, which every cloud has.
    remote(bare, Command.POWER_CYCLE, Map.of("delay", "0"));
    assertThat(bare.log()).containsExactly("powerOff u-1", "powerOn u-1");
  }

  static String saveRequest(String actionId, String sourceUuid) {
    return "{\"driverRequest\":{\"actions\":[{\"type\":\"SaveApp\",\"actionId\":\"" + actionId
        + "\",\"actionParams\":{\"type\":\"SaveAppParams\",\"saveDeploymentModel\":\"" + TEMPLATE
        + "\",\"savedSandboxId\":\"sb-9\",\"sourceVmUuid\":\"" + sourceUuid + "\","
        + "\"sourceAppName\":\"web\",\"deploymentPathAttributes\":[{\"type\":\"Attribute\","
        + "\"attributeName\":\"" + TEMPLATE + ".CPU\",\"attributeValue\":\"2\"},{\"type\":"
        + "\"Attribute\",\"attributeName\":\"" + TEMPLATE + ".Template\",\"attributeValue\":"
        + "\"debian-12.qcow2\"}]}}]}}";
  }

  @Test
  void saveAppAnswersEachActionWithItsArtifactsAndTheSavedPath() throws Exception {
    String two = saveRequest("ok", "u-1").replace("]}}", "," + saveRequest("gone", "gone")
        .substring(saveRequest("gone", "gone").indexOf("[") + 1));
    JsonNode results = codec.mapper().readTree(resource(cloud, Command.SAVE_APP, two))
        .at("/driverResponse/actionResults");
    assertThat(results).hasSize(2);
    JsonNode ok = results.get(0);
    assertThat(ok.get("type").asText()).isEqualTo("SaveApp");
    assertThat(ok.get("actionId").asText()).isEqualTo("ok");
    assertThat(ok.get("success").asBoolean()).isTrue();
    assertThat(ok.get("saveDeploymentModel").asText()).isEqualTo(TEMPLATE);
    assertThat(ok.at("/artifacts/0/artifactRef").asText()).isEqualTo("saved-sb-9-web");
    assertThat(ok.at("/artifacts/0/artifactName").asText()).isEqualTo("saved-sb-9-web.qcow2");
    assertThat(ok.get("savedEntityAttributes").toString()).isEqualTo(
        "[{\"attributeName\":\"CPU\",\"attributeValue\":\"2\"},{\"attributeName\":\"Template\","
            + "\"attributeValue\":\"saved-sb-9-web.qcow2\"}]");
    assertThat(ok.get("additionalData").toString())
        .isEqualTo("[{\"name\":\"savedFrom\",\"value\":\"u-1\"}]");
    JsonNode gone = results.get(1);
    assertThat(gone.get("success").asBoolean()).isFalse();
    assertThat(gone.get("errorMessage").asText())
        .isEqualTo("the source VM of app 'web' no longer exists");
    SavedAppService.SaveAppRequest asked = (SavedAppService.SaveAppRequest) cloud.received()
        .get(0);
    assertThat(asked.deploymentPathAttributes())
        .isEqualTo(Map.of("CPU", "2", "Template", "debian-12.qcow2"));
    assertThat(asked.savedSandboxId()).isEqualTo("sb-9");
    assertThat(asked.saveDeploymentModel()).isEqualTo(TEMPLATE);
  }

  @Test
  void aCancelledSaveAppSavesNoMoreAndSaysSoPerAction() throws Exception {
    String two = saveRequest("first", "u-1").replace("]}}", "," + saveRequest("second", "u-2")
        .substring(saveRequest("second", "u-2").indexOf("[") + 1));
    // Cancelled once the first app is saved: the second is not started.
    JsonNode results = codec.mapper().readTree(dispatcher(cloud).dispatch(Command.SAVE_APP,
        provider, two, Map.of(), () -> !cloud.log().isEmpty()))
        .at("/driverResponse/actionResults");
    assertThat(results.get(0).get("success").asBoolean()).isTrue();
    assertThat(results.get(1).get("success").asBoolean()).isFalse();
    assertThat(results.get(1).get("errorMessage").asText())
        .isEqualTo("SaveApp was cancelled before saving web");
    assertThat(cloud.log()).containsExactly("savedApps.save u-1");
  }

  @Test
  void deleteSavedAppsRunsOutsideAReservation() throws Exception {
    ResourceCommandContext unreserved = new ResourceCommandContext(provider.connectivity(),
        provider.resource(), null, List.of());
    String request = "{\"driverRequest\":{\"actions\":[{\"type\":\"DeleteSavedApp\","
        + "\"actionId\":\"d1\",\"actionParams\":{\"type\":\"DeleteSavedAppParams\","
        + "\"savedSandboxId\":\"sb-9\",\"savedAppName\":\"web\",\"artifacts\":[{\"type\":"
        + "\"Artifact\",\"artifactRef\":\"saved-sb-9-web\",\"artifactName\":\"w\"}]}},"
        + "{\"type\":\"deleteSavedApp\",\"actionId\":\"d2\",\"actionParams\":{"
        + "\"savedSandboxId\":\"sb-9\",\"savedAppName\":\"db\",\"artifacts\":[{}]}}]}}";
    JsonNode results = codec.mapper().readTree(dispatcher(cloud).dispatch(
        Command.DELETE_SAVED_APPS, unreserved, request, Map.of(), CancellationContext.NONE))
        .at("/driverResponse/actionResults");
    assertThat(results.get(0).toString()).isEqualTo("{\"type\":\"DeleteSavedApp\","
        + "\"actionId\":\"d1\",\"success\":true,\"infoMessage\":\"\",\"errorMessage\":\"\"}");
    assertThat(results.get(1).get("errorMessage").asText())
        .isEqualTo("an artifact of saved app 'db' has no artifactRef");
    assertThat(cloud.received()).containsExactly(new SavedAppService.DeleteSavedAppRequest("d1",
        "sb-9", "web", List.of(new SavedAppService.Artifact("saved-sb-9-web", "w"))));
  }

  static String validateRequest(String path, Map<String, String> attributes) {
    StringBuilder b = new StringBuilder("{\"ActionId\":\"v1\",\"DeploymentPath\":\"" + path
        + "\",\"Attributes\":[");
    attributes.forEach((k, v) -> b.append("{\"AttributeName\":\"").append(path).append('.')
        .append(k).append("\",\"AttributeValue\":\"").append(v).append("\"},"));
    return b.substring(0, b.length() - (attributes.isEmpty() ? 0 : 1)) + "]}";
  }

  @Test
  void validateAttributesChecksWithoutTheCloudFirstThenAsksIt() throws Exception {
    assertThat(resource(cloud, Command.VALIDATE_ATTRIBUTES, validateRequest(TEMPLATE,
        Map.of("Template", "debian-12.qcow2", "CPU", "2")))).isEqualTo("{\"type\":"
        + "\"ValidateAttributes\",\"actionId\":\"v1\",\"success\":true,\"infoMessage\":\"\","
        + "\"errorMessage\":\"\"}");
    assertThat(cloud.received()).containsExactly(Map.of("Template", "debian-12.qcow2",
        "CPU", "2"));
    // An attribute outside the path (the app resource's) is not the path's to judge.
    String withUser = validateRequest(TEMPLATE, Map.of("Template", "debian-12.qcow2"))
        .replace("]}", ",{\"AttributeName\":\"User\",\"AttributeValue\":\"root\"}]}");
    assertThat(resource(bare, Command.VALIDATE_ATTRIBUTES, withUser)).contains("\"success\":true");
    assertThatThrownBy(() -> resource(cloud, Command.VALIDATE_ATTRIBUTES, validateRequest(
        KERNEL, Map.of("Kernel", "vmlinuz", "CPU", "0", "RAM", "lots", "Wait for IP", "maybe",
            "Colour", "red")))).isInstanceOf(ClientException.class)
        .hasMessageStartingWith("the attributes of deployment path 'KVM VM From Kernel' do not"
            + " deploy:\n- ")
        .hasMessageContaining("'Colour' is not an attribute of deployment path")
        .hasMessageContaining("attribute 'Kernel' must be an absolute path")
        .hasMessageContaining("attribute 'CPU' must be more than 0")
        .hasMessageContaining("attribute 'RAM' of deployment path 'KVM VM From Kernel' must be a"
            + " whole number")
        .hasMessageContaining("attribute 'Wait for IP' of deployment path 'KVM VM From Kernel'"
            + " must be True or False");
    // Values that are not even well formed never reach the cloud.
    assertThat(cloud.log()).containsExactly("advisor.validate KVM VM From Template");
    assertThatThrownBy(() -> resource(cloud, Command.VALIDATE_ATTRIBUTES, validateRequest(
        TEMPLATE, Map.of("Template", "missing.qcow2")))).isInstanceOf(ClientException.class)
        .hasMessageEndingWith("\n- Template 'missing.qcow2' is not in pool 'default'");
    assertThatThrownBy(() -> resource(cloud, Command.VALIDATE_ATTRIBUTES, validateRequest(
        "Hangar Cloud Provider.AWS EC2 Instance", Map.of()))).isInstanceOf(ClientException.class)
        .hasMessageContaining("deploys to Cloud Type AWS, but cloud provider");
    assertThatThrownBy(() -> resource(cloud, Command.VALIDATE_ATTRIBUTES, "{\"ActionId\":\"x\"}"))
        .isInstanceOf(ClientException.class).hasMessageContaining("has no DeploymentPath");
    // A cloud without an advisor: the checks that need no cloud decide.
    assertThat(resource(bare, Command.VALIDATE_ATTRIBUTES, validateRequest(TEMPLATE,
        Map.of("Template", "missing.qcow2")))).contains("\"success\":true");
  }

  @Test
  void hintsComeFromTheDescriptorOrTheCloud() throws Exception {
    String hints = "{\"DeploymentPath\":\"" + TEMPLATE + "\",\"AttributeName\":\"" + TEMPLATE
        + ".%s\",\"AttributeValues\":[{\"AttributeName\":\"" + TEMPLATE + ".CPU\",\"Values\":"
        + "[\"2\"]}]}";
    assertThat(resource(cloud, Command.GET_ATTRIBUTE_HINTS, hints.formatted("Template")))
        .isEqualTo("[{\"AttributeName\":\"" + TEMPLATE + ".Template\",\"Values\":"
            + "[\"base.qcow2\",\"debian-12.qcow2\"]}]");
    assertThat(cloud.received()).containsExactly(Map.of("CPU", "2"));
    assertThat(resource(cloud, Command.GET_ATTRIBUTE_HINTS, hints.formatted("Autoload")))
        .isEqualTo("[{\"AttributeName\":\"" + TEMPLATE + ".Autoload\",\"Values\":"
            + "[\"True\",\"False\"]}]");
    assertThat(resource(cloud, Command.GET_ATTRIBUTE_HINTS, hints.formatted("RAM")))
        .isEqualTo("[]");
    assertThat(resource(bare, Command.GET_ATTRIBUTE_HINTS, hints.formatted("Template")))
        .isEqualTo("[]");
    assertThatThrownBy(() -> resource(cloud, Command.GET_ATTRIBUTE_HINTS,
        hints.formatted("Colour"))).isInstanceOf(ClientException.class)
        .hasMessage("'Colour' is not an attribute of deployment path 'KVM VM From Template'");
  }

  @Test
  void powerCycleWaitsBetweenOffAndOnAndACancelledWaitLeavesItOff() {
    assertThatThrownBy(() -> remote(cloud, Command.POWER_CYCLE, Map.of("delay", "-1")))
        .isInstanceOf(ClientException.class)
        .hasMessage("delay must be a number of seconds from 0 to 3600, not '-1'");
    assertThatThrownBy(() -> remote(cloud, Command.POWER_CYCLE, Map.of()))
        .hasMessage("PowerCycle needs the parameter delay (Delay)");
    remote(cloud, Command.POWER_CYCLE, Map.of("delay", "0.05"));
    assertThat(cloud.log()).containsExactly("powerOff u-1", "powerOn u-1");
    AtomicBoolean cancelled = new AtomicBoolean();
    cancelled.set(false);
    CommandDispatcher d = dispatcher(cloud);
    // Cancelled once the VM is off: the wait ends and the VM stays off.
    Thread canceller = new Thread(() -> {
      while (cloud.log().size() < 3) {
        Thread.onSpinWait();
      }
      cancelled.set(true);
    });
    canceller.start();
    assertThatThrownBy(() -> d.dispatch(Command.POWER_CYCLE, web, null, Map.of("delay", "3600"),
        cancelled::get)).isInstanceOf(CommandCancelledException.class);
    assertThat(cloud.log()).containsExactly("powerOff u-1", "powerOn u-1", "powerOff u-1");
  }
}
