package dev.hangar.driver;

import static dev.hangar.testing.Contexts.deployApp;
import static dev.hangar.testing.Contexts.request;
import static dev.hangar.testing.Contexts.setVlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.LogCapture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudProviderDriverTest {
  private static final String TEMPLATE = "Hangar Cloud Provider.KVM VM From Template";
  private final WireCodec codec = WireCodec.standard();
  private final RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
  private final InMemoryCloud kvm = InMemoryCloud.kvm();

  private CloudProviderDriver driver(BackendRegistry registry) {
    return new CloudProviderDriver(registry, c -> api);
  }

  private CloudProviderDriver withKvm() {
    return driver(BackendRegistry.empty().register(kvm));
  }

  private JsonNode results(String response) throws Exception {
    return codec.mapper().readTree(response).at("/driverResponse/actionResults");
  }

  @Test
  void withoutABackendEveryActionSaysWhichBackendsAndPathsExist() throws Exception {
    CloudProviderDriver d = driver(BackendRegistry.empty());
    JsonNode r = results(d.deploy(Contexts.resource(Contexts.kvmAttributes()),
        request(deployApp("a1", "web", TEMPLATE)), CancellationContext.NONE));
    assertThat(r).hasSize(1);
    assertThat(r.get(0).get("type").asText()).isEqualTo("DeployApp");
    assertThat(r.get(0).get("success").asBoolean()).isFalse();
    assertThat(r.get(0).get("errorMessage").asText())
        .contains("no backend for Cloud Type 'KVM' is installed")
        .contains("installed backends: none")
        .contains("'Hangar Cloud Provider.KVM VM From Template' (KVM)")
        .contains("'Hangar Cloud Provider.AWS EC2 Instance' (AWS)");
    assertThatThrownBy(() -> d.powerOn(Contexts.remote(Contexts.kvmAttributes(), "web", "u-1",
        "Public IP"))).isInstanceOf(ClientException.class)
        .hasMessageContaining("no backend for Cloud Type 'KVM'");
  }

  @Test
  void dispatchesToTheBackendOfTheCloudTypeAndChecksThePath() throws Exception {
    CloudProviderDriver d = withKvm();
    JsonNode r = results(d.deploy(Contexts.resource(Contexts.kvmAttributes()), request(
        deployApp("ok", "web", TEMPLATE),
        deployApp("aws", "x", "Hangar Cloud Provider.AWS EC2 Instance"),
        deployApp("odd", "y", "Hangar Cloud Provider.Teleporter")), CancellationContext.NONE));
    assertThat(r).hasSize(3);
    assertThat(r.get(0).get("success").asBoolean()).isTrue();
    assertThat(r.get(0).get("vmName").asText()).startsWith("web-");
    assertThat(r.get(1).get("errorMessage").asText()).contains("deploys to Cloud Type AWS")
        .contains("is Cloud Type KVM");
    assertThat(r.get(2).get("errorMessage").asText())
        .contains("unknown deployment path 'Hangar Cloud Provider.Teleporter'")
        .contains("installed backends: KVM (KVM VM From Kernel, KVM VM From Template)");
    assertThat(kvm.log()).containsExactly("deploy web");
  }

  @Test
  void oneBadActionDoesNotSinkTheOthers() throws Exception {
    kvm.failNext("deploy", BackendException.failed("disk full on host h1", null));
    JsonNode r = results(withKvm().deploy(Contexts.resource(Contexts.kvmAttributes()), request(
        deployApp("first", "web", TEMPLATE), deployApp("second", "db", TEMPLATE),
        "{\"type\":\"teleport\",\"actionId\":\"third\"}",
        setVlan("fourth", "u", "10")), CancellationContext.NONE));
    assertThat(r).extracting(n -> n.get("actionId").asText())
        .containsExactly("first", "second", "third", "fourth");
    assertThat(r.get(0).get("errorMessage").asText()).isEqualTo("disk full on host h1");
    assertThat(r.get(1).get("success").asBoolean()).isTrue();
    assertThat(r.get(2).get("errorMessage").asText()).contains("unknown action type");
    assertThat(r.get(3).get("errorMessage").asText())
        .isEqualTo("'setVlan' is not an action of Deploy; it belongs to ApplyConnectivityChanges");
  }

  @Test
  void anActionTheBackendLeftWithoutAResultGetsAnErrorAndExtrasAreDropped() throws Exception {
    CloudProviderDriver d = withKvm();
    var ctx = Contexts.resource(Contexts.kvmAttributes());
    String uid = results(d.deploy(ctx, request(deployApp("a", "web", TEMPLATE)),
        CancellationContext.NONE)).get(0).get("vmUuid").asText();
    JsonNode r = results(d.applyConnectivityChanges(ctx, request(setVlan("s1", uid, "10"),
        setVlan("s2", "no-such-vm", "11"), setVlan("s1", uid, "12"))));
    assertThat(r).hasSize(2);
    assertThat(r.get(0).get("actionId").asText()).isEqualTo("s1");
    assertThat(r.get(0).get("errorMessage").asText()).contains("appears 2 times");
    assertThat(r.get(1).get("errorMessage").asText()).isEqualTo("no VM no-such-vm");
    assertThat(kvm.vms().get(uid).vlan()).isEqualTo("4095");
  }

  @Test
  void networkingTypeDecidesWhichCommandsApply() throws Exception {
    Map<String, String> l3 = Contexts.kvmAttributes();
    l3.put("Hangar Cloud Provider.Networking type", "L3");
    JsonNode r = results(withKvm().applyConnectivityChanges(Contexts.resource(l3),
        request(setVlan("s", "u", "10"))));
    assertThat(r.get(0).get("errorMessage").asText())
        .isEqualTo("cloud provider 'prov' is Networking type L3; ApplyConnectivityChanges is for"
            + " L2 providers");
    Map<String, String> bad = Contexts.kvmAttributes();
    bad.put("Cloud Type", "Azure");
    assertThatThrownBy(() -> withKvm().getInventory(Contexts.autoload(bad)))
        .isInstanceOf(ClientException.class)
        .hasMessageContaining("'Cloud Type' of cloud provider 'prov' must be one of KVM, AWS,"
            + " OpenStack (got 'Azure')");
  }

  @Test
  void secretsNeverReachResultsOrLogs() throws Exception {
    Map<String, String> attrs = Contexts.kvmAttributes();
    attrs.put("Hangar Cloud Provider.Password", "enc-hunter2");
    RecordingOrchestratorApi decrypting = new RecordingOrchestratorApi(
        Map.of("enc-hunter2", "plain-hunter2"), null);
    CloudProviderDriver d = new CloudProviderDriver(BackendRegistry.empty().register(kvm),
        c -> decrypting);
    kvm.onOpen(scope -> {
      String plain = scope.decrypt("enc-hunter2");
      kvm.failNext("deploy", new IllegalStateException("login as root/" + plain + " with "
          + Contexts.TOKEN + " failed"));
    });
    try (LogCapture logs = new LogCapture()) {
      JsonNode r = results(d.deploy(Contexts.resource(attrs), request(deployApp("a", "web",
          TEMPLATE)), CancellationContext.NONE));
      String error = r.get(0).get("errorMessage").asText();
      assertThat(error).isEqualTo("internal error (IllegalStateException): login as root/***"
          + " with *** failed");
      assertThat(logs.text()).doesNotContain("hunter2").doesNotContain(Contexts.TOKEN)
          .contains("login as root/***");
    }
  }

  @Test
  void anAppPasswordAsSentIsMaskedToo() throws Exception {
    kvm.failNext("deploy", BackendException.failed("cannot set password 3M3u7nkDzxWb0aJ/IZYe",
        null));
    String app = deployApp("a", "web", TEMPLATE).replace("\"appResource\":{\"attributes\":[]}",
        "\"appResource\":{\"attributes\":[{\"attributeName\":\"Password\","
            + "\"attributeValue\":\"3M3u7nkDzxWb0aJ/IZYe\"}]}");
    JsonNode r = results(withKvm().deploy(Contexts.resource(Contexts.kvmAttributes()),
        request(app), CancellationContext.NONE));
    assertThat(r.get(0).get("errorMessage").asText()).isEqualTo("cannot set password ***");
  }

  @Test
  void logsCarryTheReservationCommandAndActionAndOneSummaryLine() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      withKvm().deploy(Contexts.resource(Contexts.kvmAttributes()),
          request(deployApp("act-7", "web", TEMPLATE)), CancellationContext.NONE);
      assertThat(logs.events()).anySatisfy(e -> {
        assertThat(e.getFormattedMessage()).isEqualTo("deploying web");
        assertThat(e.getMDCPropertyMap()).containsEntry("reservationId", "res-1")
            .containsEntry("command", "Deploy").containsEntry("actionId", "act-7");
      });
      assertThat(logs.events()).filteredOn(e -> e.getLoggerName().equals("dev.hangar.command"))
          .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
              .matches("command=Deploy actions=1 duration_ms=\\d+ outcome=ok"));
    }
  }

  @Test
  void aCancelledDeployRunsNothing() throws Exception {
    JsonNode r = results(withKvm().deploy(Contexts.resource(Contexts.kvmAttributes()),
        request(deployApp("a", "web", TEMPLATE)), () -> true));
    assertThat(r.get(0).get("errorMessage").asText())
        .isEqualTo("Deploy was cancelled before deploying web");
    assertThat(kvm.log()).isEmpty();
  }

  @Test
  void refreshIpSetsTheAddressAndTheAppsOwnPublicIpAttribute() throws Exception {
    InMemoryCloud aws = InMemoryCloud.aws();
    CloudProviderDriver d = driver(BackendRegistry.empty().register(aws));
    Map<String, String> attrs = Map.of("Cloud Type", "AWS", "Networking type", "L3");
    String deployed = results(d.deploy(Contexts.resource(attrs), request(deployApp("a", "app",
        "Hangar Cloud Provider.AWS EC2 Instance")), CancellationContext.NONE))
        .get(0).get("vmUuid").asText();
    api.clear();
    assertThat(d.remoteRefreshIp(Contexts.remote(attrs, "app", deployed,
        "Generic App Model.Public IP"), CancellationContext.NONE)).isEmpty();
    assertThat(api.calls()).containsExactly(
        new ApiCall("UpdateResourceAddress", List.of("app", "10.0.0.10")),
        new ApiCall("SetAttributeValue", List.of("app", "Generic App Model.Public IP",
            "203.0.113.7")));
  }

  @Test
  void vmDetailsAnswerEveryItemInOrder() throws Exception {
    CloudProviderDriver d = withKvm();
    var ctx = Contexts.resource(Contexts.kvmAttributes());
    String uid = results(d.deploy(ctx, request(deployApp("a", "web", TEMPLATE)),
        CancellationContext.NONE)).get(0).get("vmUuid").asText();
    String req = "{\"items\":[{\"appRequestJson\":null,\"deployedAppJson\":{\"name\":\"web\","
        + "\"vmdetails\":{\"uid\":\"" + uid + "\"}}},{\"appRequestJson\":\"\",\"deployedAppJson\":"
        + "\"{\\\"name\\\":\\\"gone\\\",\\\"vmdetails\\\":{\\\"uid\\\":\\\"x\\\"}}\"},"
        + "{\"deployedAppJson\":{\"name\":\"bare\"}}]}";
    JsonNode r = codec.mapper().readTree(d.getVmDetails(ctx, req, CancellationContext.NONE));
    assertThat(r.isArray()).isTrue();
    assertThat(r).extracting(n -> n.get("appName").asText()).containsExactly("web", "gone",
        "bare");
    assertThat(r.get(0).get("errorMessage").asText()).isEmpty();
    assertThat(r.get(0).at("/vmNetworkData/0/isPrimary").asBoolean()).isTrue();
    assertThat(r.get(1).get("errorMessage").asText()).isEqualTo("no VM x");
    assertThat(r.get(2).get("errorMessage").asText()).contains("has no vmdetails.uid");
  }

  @Test
  void malformedRequestsAndContextsAreClientErrors() {
    CloudProviderDriver d = withKvm();
    var ctx = Contexts.resource(Contexts.kvmAttributes());
    assertThatThrownBy(() -> d.deploy(ctx, "{\"driverRequest\":", CancellationContext.NONE))
        .isInstanceOf(ClientException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> d.powerOn(Contexts.remote(Contexts.kvmAttributes(), "web", "",
        "Public IP"))).isInstanceOf(ClientException.class)
        .hasMessageContaining("has no app_context.deployed_app_json.vmdetails.uid");
    assertThatThrownBy(() -> d.setAppSecurityGroups(ctx, "{}"))
        .isInstanceOf(ClientException.class).hasMessageContaining("expected a list");
  }

  @Test
  void powerAndDeleteRaiseBackendErrorsWithTheirKind() {
    CloudProviderDriver d = withKvm();
    kvm.failNext("powerOn", BackendException.unavailable("host h1 unreachable", null));
    assertThatThrownBy(() -> d.powerOn(Contexts.remote(Contexts.kvmAttributes(), "web", "u",
        "Public IP"))).isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.unavailable()).isTrue();
          assertThat(e.getMessage()).isEqualTo("host h1 unreachable");
        });
  }

  @Test
  void securityGroupsAnswerPerAppAndSandboxInfraChecksItsActions() throws Exception {
    InMemoryCloud aws = InMemoryCloud.aws();
    CloudProviderDriver d = driver(BackendRegistry.empty().register(aws));
    var ctx = Contexts.resource(Map.of("Cloud Type", "AWS", "Networking type", "L3"));
    assertThat(d.setAppSecurityGroups(ctx, "[{\"deployedApp\":{\"name\":\"a1\"}},"
        + "{\"deployedApp\":{\"name\":\"a2\"}}]"))
        .isEqualTo("[{\"appName\":\"a1\",\"success\":true,\"error\":\"\"},"
            + "{\"appName\":\"a2\",\"success\":true,\"error\":\"\"}]");
    JsonNode r = results(d.prepareSandboxInfra(ctx, request(
        "{\"type\":\"createKeys\",\"actionId\":\"k\"}"), CancellationContext.NONE));
    assertThat(r.get(0).get("type").asText()).isEqualTo("CreateKeys");
    assertThat(r.get(0).get("errorMessage").asText())
        .contains("needs exactly one prepareCloudInfra");
  }
}
