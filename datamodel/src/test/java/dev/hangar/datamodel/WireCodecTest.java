package dev.hangar.datamodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.request.SetVlan;
import dev.hangar.datamodel.request.UnrecognizedAction;
import dev.hangar.datamodel.result.ActionResults;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.datamodel.result.SecurityGroupResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private final WireCodec codec = WireCodec.standard();

  private static String request(String... actions) {
    return "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
  }

  private static String setVlan(String id, String vlanId, String mode) {
    return "{\"type\":\"setVlan\",\"actionId\":\"" + id + "\",\"connectionParams\":{\"vlanId\":"
        + vlanId + ",\"mode\":\"" + mode + "\"}}";
  }

  private List<CheckedAction> check(String json) {
    return RequestValidator.check(codec.readDriverRequest(json));
  }

  private static String reason(List<CheckedAction> checked, int i) {
    assertThat(checked.get(i)).isInstanceOf(CheckedAction.Rejected.class);
    return ((CheckedAction.Rejected) checked.get(i)).reason();
  }

  @Test
  void lenientWhereRealTrafficVaries() {
    DriverRequest r = codec.readDriverRequest(request(
        setVlan("a", "\"4\"", "Access"), setVlan("b", "42", "Access"),
        setVlan("c", "[\"2\"]", "Access"), setVlan("d", "\"100-200,300\"", "Trunk"),
        "{\"type\":\"prepareSubnet\",\"actionId\":\"e\",\"actionTarget\":null,"
            + "\"actionParams\":{\"cidr\":\"10.0.0.0/24\",\"subnetServiceAttributes\":null}}",
        "{\"type\":\"deployApp\",\"actionId\":\"f\",\"actionParams\":{\"appName\":\"x\","
            + "\"deployment\":{\"deploymentPath\":\"Hangar Cloud Provider.KVM VM From Template\","
            + "\"attributes\":[{\"attributeName\":\"Hangar Cloud Provider.KVM VM From Template."
            + "Wait for IP\",\"attributeValue\":true},{\"attributeName\":\"CPU\","
            + "\"attributeValue\":2}]}}}"));
    assertThat(RequestValidator.check(r)).allMatch(c -> c instanceof CheckedAction.Accepted);
    assertThat(((SetVlan) r.actions().get(3)).connectionParams().vlans()).hasToString(
        "100-200,300");
    assertThat(((PrepareSubnet) r.actions().get(4)).actionParams().subnetServiceAttributes())
        .isNull();
    DeployApp deploy = (DeployApp) r.actions().get(5);
    assertThat(deploy.actionParams().deployment().attribute("Wait for IP")).isEqualTo("True");
    assertThat(deploy.actionParams().deployment().attribute("CPU")).isEqualTo("2");
  }

  @Test
  void strictWhereItMattersWithOneErrorPerAction() {
    List<CheckedAction> checked = check(request(
        "{\"type\":\"rebootPlanet\",\"actionId\":\"u\"}",
        "{\"type\":\"setVlan\",\"connectionParams\":{\"vlanId\":\"4\"}}",
        setVlan("range", "\"10-11\"", "Access"),
        setVlan("zero", "0", "Access"),
        setVlan("big", "\"5000\"", "Trunk"),
        setVlan("ok", "\"7\"", "Access"),
        "{\"type\":\"deployApp\",\"actionId\":\"bad\",\"actionParams\":\"oops\"}",
        "{\"type\":\"setVlan\",\"actionId\":\"q\",\"connectionParams\":{\"vlanId\":\"3-4\","
            + "\"mode\":\"Trunk\",\"vlanServiceAttributes\":[{\"attributeName\":\"QnQ\","
            + "\"attributeValue\":\"True\"}]}}",
        setVlan("mode", "\"4\"", "Hybrid")));
    assertThat(checked).hasSize(9);
    assertThat(reason(checked, 0)).contains("unknown action type 'rebootPlanet'")
        .contains("deployApp");
    assertThat(reason(checked, 1)).contains("action #2 (setVlan) has no actionId");
    assertThat(reason(checked, 2)).contains("single VLAN").contains("10-11");
    assertThat(reason(checked, 3)).contains("VLAN 0 is outside 1-4094");
    assertThat(reason(checked, 4)).contains("VLAN 5000 is outside 1-4094");
    assertThat(checked.get(5)).isInstanceOf(CheckedAction.Accepted.class);
    assertThat(reason(checked, 6)).contains("malformed deployApp action")
        .contains("actionParams").doesNotContain("oops");
    assertThat(reason(checked, 7)).contains("QnQ takes a single service VLAN");
    assertThat(reason(checked, 8)).contains("mode must be Access or Trunk");
  }

  @Test
  void aVxlanProviderTakesVnisAndStillOneErrorPerAction() {
    DriverRequest r = WireCodec.standard().readDriverRequest(request(
        setVlan("vni", "\"5000\"", "Access"),
        setVlan("top", "16777215", "Access"),
        setVlan("past", "\"16777216\"", "Access"),
        setVlan("two", "\"70000-70001\"", "Access")));
    List<CheckedAction> checked = RequestValidator.check(r, SegmentKind.VXLAN);
    assertThat(checked.get(0)).isInstanceOf(CheckedAction.Accepted.class);
    assertThat(checked.get(1)).isInstanceOf(CheckedAction.Accepted.class);
    assertThat(reason(checked, 2)).isEqualTo("bad vlanId: VNI 16777216 is outside 1-16777215");
    assertThat(reason(checked, 3)).contains("single VNI, not 70000-70001");
    // The same request on a VLAN provider: 5000 is no VLAN.
    assertThat(reason(RequestValidator.check(r), 0)).contains("VLAN 5000 is outside 1-4094");
  }

  @Test
  void textAfterTheRequestMakesItUnreadableInsteadOfBeingIgnored() {
    // Two requests run together must not silently lose the second one's actions.
    assertThatThrownBy(() -> WireCodec.standard().readDriverRequest(
        "{\"driverRequest\":{\"actions\":[]}} {\"driverRequest\":{\"actions\":[]}}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void securityGroupItemsWithoutADeployedAppAreMalformed() {
    for (String bad : List.of("[null]", "[{}]", "[{\"deployedApp\":null}]")) {
      assertThatThrownBy(() -> WireCodec.standard().readSetAppSecurityGroups(bad)).as(bad)
          .isInstanceOf(MalformedRequestException.class).hasMessageContaining("item #1");
    }
  }

  @Test
  void aNullOrScalarActionIsRejectedAloneNotTheWholeRequest() {
    // A JSON null once reached the driver as a null action: an internal error for the request.
    List<CheckedAction> checked = check(request("null", "17", setVlan("ok", "\"7\"", "Access")));
    assertThat(checked).hasSize(3);
    assertThat(reason(checked, 0)).contains("action #1 has no actionId");
    assertThat(reason(checked, 1)).contains("action #2 has no actionId");
    assertThat(checked.get(2)).isInstanceOf(CheckedAction.Accepted.class);
  }

  @Test
  void duplicateActionIdsAreRejectedOnceAndNothingElseIsTouched() {
    List<CheckedAction> checked = check(request(setVlan("dup", "\"4\"", "Access"),
        setVlan("other", "\"5\"", "Access"), setVlan("dup", "\"6\"", "Access")));
    assertThat(checked).hasSize(2);
    assertThat(reason(checked, 0)).contains("'dup' appears 2 times");
    assertThat(checked.get(1)).isInstanceOf(CheckedAction.Accepted.class);
    assertThat(checked.stream().map(CheckedAction::actionId)).doesNotHaveDuplicates();
  }

  @Test
  void aWholeRequestThatCannotBeReadSaysWhyWithoutQuotingIt() {
    assertThatThrownBy(() -> codec.readDriverRequest("{\"driverRequest\":{\"actions\":[{\"a\":"
        + "\"hunter2-secret"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> codec.readDriverRequest("{\"actions\":[]}"))
        .hasMessageContaining("expected {\"driverRequest\"").hasMessageContaining("actions");
    assertThatThrownBy(() -> codec.readDriverRequest("{\"driverRequest\":{\"actions\":{}}}"))
        .hasMessageContaining("must be a list");
    assertThatThrownBy(() -> codec.readDriverRequest("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> codec.readDriverRequest("[1]")).hasMessageContaining("JSON array");
  }

  @Test
  void anActionThatIsNotAnObjectIsItsOwnError() {
    DriverRequest r = codec.readDriverRequest(request("42", setVlan("ok", "4", "Access")));
    assertThat(r.actions().get(0)).isInstanceOf(UnrecognizedAction.class);
    assertThat(RequestValidator.check(r).get(1)).isInstanceOf(CheckedAction.Accepted.class);
  }

  @Test
  void failureResultsCarryTheExactTypeStrings() {
    String json = codec.writeDriverResponse(new DriverResponse(List.of(
        ActionResults.failure("1", "deployApp", "x"),
        ActionResults.failure("2", "connectSubnet", "x"),
        ActionResults.failure("3", "prepareCloudInfra", "x"),
        ActionResults.failure("4", "prepareSubnet", "x"),
        ActionResults.failure("5", "createKeys", "x"),
        ActionResults.failure("6", "cleanupNetwork", "x"),
        ActionResults.failure("7", "setVlan", "x"),
        ActionResults.failure("8", "removeVlan", "x"),
        ActionResults.failure("9", "CreateTrafficMirroring", "x"))));
    assertThat(codec.readDriverResponse(json).actionResults()).extracting(r -> r.type())
        .containsExactly("DeployApp", "ConnectToSubnet", "PrepareNetwork", "PrepareSubnet",
            "CreateKeys", "CleanupNetwork", "setVlan", "removeVlan", "CreateTrafficMirroring");
    assertThat(json).startsWith("{\"driverResponse\":{\"actionResults\":[{\"type\":\"DeployApp\","
        + "\"actionId\":\"1\",\"success\":false,\"infoMessage\":\"\",\"errorMessage\":\"x\"");
  }

  @Test
  void bareArraysWhereTheProtocolHasThem() {
    assertThat(codec.writeSecurityGroupResults(List.of(new SecurityGroupResult("web", true,
        null)))).isEqualTo("[{\"appName\":\"web\",\"success\":true,\"error\":\"\"}]");
    var groups = codec.readSetAppSecurityGroups("[{\"deployedApp\":{\"name\":\"web\","
        + "\"vmdetails\":{\"uid\":\"i-1\"}},\"securityGroupsConfigurations\":[{\"subnetId\":"
        + "\"s-1\",\"rules\":[{\"fromPort\":\"22\",\"toPort\":\"22\",\"protocol\":\"tcp\","
        + "\"source\":\"0.0.0.0/0\"}]}]}]");
    assertThat(groups).singleElement().satisfies(g -> {
      assertThat(g.deployedApp().vmUid()).isEqualTo("i-1");
      assertThat(g.securityGroupsConfigurations().get(0).rules().get(0).fromPort())
          .isEqualTo("22");
    });
    assertThatThrownBy(() -> codec.readSetAppSecurityGroups("{}"))
        .hasMessageContaining("expected a list");
  }

  @Test
  void contextsReadWithEmbeddedAppDocumentsAndHideTheToken() {
    String ctx = "{\"connectivity\":{\"server_address\":\"10.0.0.1\",\"admin_auth_token\":"
        + "\"tok-secret\"},\"resource\":{\"name\":\"prov\",\"model\":\"Hangar Cloud Provider\","
        + "\"attributes\":{\"Hangar Cloud Provider.Cloud Type\":\"KVM\",\"Flag\":true}},"
        + "\"remote_reservation\":{\"reservation_id\":\"r-1\"},\"remote_endpoints\":[{\"name\":"
        + "\"web\",\"app_context\":{\"app_request_json\":\"\",\"deployed_app_json\":"
        + "\"{\\\"name\\\":\\\"web\\\",\\\"vmdetails\\\":{\\\"uid\\\":\\\"u-1\\\"}}\"}}]}";
    ResourceRemoteCommandContext c = codec.read(ctx, ResourceRemoteCommandContext.class);
    assertThat(c.resource().attribute("Cloud Type")).isEqualTo("KVM");
    assertThat(c.resource().attribute("Flag")).isEqualTo("True");
    assertThat(c.reservationId()).isEqualTo("r-1");
    assertThat(c.deployedApp().appContext().deployedAppJson().vmUid()).isEqualTo("u-1");
    assertThat(c.deployedApp().appContext().appRequestJson()).isNull();
    assertThat(c.connectivity().toString()).doesNotContain("tok-secret");
    // Written back as the platform sends it: app documents as strings.
    String written = codec.write(c);
    assertThat(written).contains("\"deployed_app_json\":\"{");
    assertThat(codec.read(written, ResourceRemoteCommandContext.class)).isEqualTo(c);
    assertThatThrownBy(() -> codec.read("{\"resource\":{\"attributes\":[1]}}",
        ResourceCommandContext.class)).isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("resource.attributes");
  }
}
