package dev.hangar.datamodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.hangar.datamodel.app.AppRequest;
import dev.hangar.datamodel.app.DeployedApp;
import dev.hangar.datamodel.app.GetVmDetailsRequest;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.request.UnrecognizedAction;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.datamodel.testing.Conformance;
import dev.hangar.datamodel.testing.JsonLeaves;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of the conformance corpus, read the way its kind demands. */
class ConformanceTest {
  enum Kind {
    REQUEST, LEGACY_REQUEST, LEGACY_SCHEMA, LEGACY_ACTION, RESPONSE, DEPLOY_APP_RESULT,
    APP_REQUEST, DEPLOYED_APP, VM_CUSTOM_PARAMS, GET_VM_DETAILS, RESOURCE_ATTRIBUTES,
    APP_REQUEST_SCHEMA, DEPLOYED_APP_SCHEMA
  }

  private static final Map<String, Kind> KINDS = new TreeMap<>(Map.ofEntries(
      Map.entry("AWS-Shell__package_tests_test_aws_shell.py__cleanupNetwork.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_aws_shell.py__prepareCloudInfra_minimal.json",
          Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_connectivity_test_create_traffic_mirroring.py"
          + "__CreateTrafficMirroring.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_connectivity_test_create_traffic_mirroring.py"
          + "__RemoveTrafficMirroring.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_deployed_app_test_operations_test_app_ports_"
          + "operation.py__vmCustomParams.json", Kind.VM_CUSTOM_PARAMS),
      Map.entry("AWS-Shell__package_tests_test_domain_services_test_model_parser.py"
          + "__connectSubnet_deployApp.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_domain_services_test_model_parser.py"
          + "__connectSubnet_deployApp_private_ip_custom_tags.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_domain_services_test_model_parser.py"
          + "__deployApp_only.json", Kind.REQUEST),
      Map.entry("AWS-Shell__package_tests_test_domain_services_test_model_parser.py"
          + "__legacy_deploy_ami_request.json", Kind.LEGACY_REQUEST),
      Map.entry("OCI-Shell-2G__test.json", Kind.REQUEST),
      Map.entry("OpenStack-Shell__package_tests_test_cp_test_openstack_test_domain_test_services"
          + "_test_connectivity_test_vlan_connectivity_service.py__removeVlan_minimal.json",
          Kind.REQUEST),
      Map.entry("OpenStack-Shell__package_tests_test_cp_test_openstack_test_domain_test_services"
          + "_test_connectivity_test_vlan_connectivity_service.py__setVlan_minimal.json",
          Kind.REQUEST),
      Map.entry("cloudshell-cp-core__package_tests_test_cloudshell_cp_core.py"
          + "__deployApp_vcenter_linked_clone.json", Kind.REQUEST),
      Map.entry("cloudshell-cp-core__package_tests_test_cloudshell_cp_core.py__mixed_actions.json",
          Kind.REQUEST),
      Map.entry("cloudshell-cp-core__package_tests_test_cloudshell_cp_core.py"
          + "__prepareCloudInfra_prepareSubnet.json", Kind.REQUEST),
      Map.entry("cloudshell-cp-core__package_tests_test_cloudshell_cp_core.py__removeVlan.json",
          Kind.REQUEST),
      Map.entry("cloudshell-cp-core__package_tests_test_cloudshell_cp_core.py"
          + "__setVlan_heavenlycloud.json", Kind.REQUEST),
      Map.entry("cloudshell-cp-core__tests_cp_core_request_actions_test_deployed_vm.py"
          + "__azure_app_request_json.json", Kind.APP_REQUEST),
      Map.entry("cloudshell-cp-core__tests_cp_core_request_actions_test_deployed_vm.py"
          + "__azure_deployed_app_json.json", Kind.DEPLOYED_APP),
      Map.entry("cloudshell-cp-core__tests_cp_core_request_actions_test_deployed_vm.py"
          + "__static_vm_deployed_app_json.json", Kind.DEPLOYED_APP),
      Map.entry("cloudshell-cp-openstack__tests_cloudshell_cp_openstack_models_test_connectivity"
          + "_model.py__setVlan_action_subnet_cidr.json", Kind.REQUEST),
      Map.entry("cloudshell-cp-openstack__tests_conftest.py__app_request_json.json",
          Kind.APP_REQUEST),
      Map.entry("cloudshell-cp-openstack__tests_conftest.py__cloud_provider_resource_attributes"
          + ".json", Kind.RESOURCE_ATTRIBUTES),
      Map.entry("cloudshell-cp-openstack__tests_conftest.py__deployApp_request.json",
          Kind.REQUEST),
      Map.entry("cloudshell-cp-openstack__tests_conftest.py__deployed_app_json.json",
          Kind.DEPLOYED_APP),
      Map.entry("cloudshell-cp-vcenter__tests_conftest.py__GetVmDetails_request_static_vm.json",
          Kind.GET_VM_DETAILS),
      Map.entry("cloudshell-cp-vcenter__tests_cp_vcenter_flows_test_connectivity_flow.py"
          + "__setVlan_action.json", Kind.REQUEST),
      Map.entry("cloudshell-shell-connectivity-flow__tests_conftest.py__removeVlan_trunk_range"
          + ".json", Kind.REQUEST),
      Map.entry("cloudshell-shell-core__cloudshell_shell_core_schemas_app_request.json",
          Kind.APP_REQUEST_SCHEMA),
      Map.entry("cloudshell-shell-core__cloudshell_shell_core_schemas_deployed_app.json",
          Kind.DEPLOYED_APP_SCHEMA),
      Map.entry("devguide_source___cloudproviders_2020.1.0_app-deployment.md__DeployAppResult"
          + ".json", Kind.DEPLOY_APP_RESULT),
      Map.entry("kubernetes-shell__kubernetes_tests_test_deployed_app_resource.py"
          + "__deployed_app_vmCustomParams.json", Kind.DEPLOYED_APP),
      Map.entry("vCenterShell__common_cloudshell_baseschema.json", Kind.LEGACY_SCHEMA),
      Map.entry("vCenterShell__common_cloudshell_set_vlan_schema.json", Kind.LEGACY_SCHEMA),
      Map.entry("vCenterShell__package_cloudshell_tests_test_common_test_utilities_test_command"
          + "_result.py__driverResponse_setVlan.json", Kind.RESPONSE),
      Map.entry("vCenterShell__tests_test_command_executer_service_test_command_executer_service"
          + ".py__legacy_setVlan_vlanIds.json", Kind.LEGACY_ACTION)));

  private final WireCodec codec = WireCodec.standard();
  private final ObjectMapper mapper = codec.mapper();

  static List<String> files() {
    return Conformance.files();
  }

  @Test
  void everyCorpusFileHasAKindAndEveryKindAFile() {
    assertThat(Conformance.files()).containsExactlyInAnyOrderElementsOf(KINDS.keySet());
  }

  @ParameterizedTest
  @MethodSource("files")
  void readsAsItsKind(String file) throws Exception {
    String json = Conformance.read(file);
    switch (KINDS.get(file)) {
      case REQUEST -> request(json);
      case LEGACY_REQUEST -> assertThatThrownBy(() -> codec.readDriverRequest(json))
          .isInstanceOf(MalformedRequestException.class).hasMessageContaining("pre-2018");
      case LEGACY_SCHEMA -> assertThatThrownBy(() -> codec.readDriverRequest(json))
          .isInstanceOf(MalformedRequestException.class).hasMessageContaining("JSON schema");
      case LEGACY_ACTION -> legacyAction(json);
      case RESPONSE -> response(json);
      case DEPLOY_APP_RESULT -> deployAppResult(json);
      case APP_REQUEST -> roundTrip(json, AppRequest.class);
      case DEPLOYED_APP -> roundTrip(json, DeployedApp.class);
      case VM_CUSTOM_PARAMS -> assertThat(roundTrip(json, DeployedApp.VmDetails.class)
          .customParam("inbound_ports")).isEqualTo("80; 1200-2300:udp; 26:tcp");
      case GET_VM_DETAILS -> getVmDetails(json);
      case RESOURCE_ATTRIBUTES -> resourceAttributes(json);
      case APP_REQUEST_SCHEMA -> coversSchema(json, AppRequest.class);
      case DEPLOYED_APP_SCHEMA -> coversSchema(json, DeployedApp.class);
    }
  }

  private void request(String json) throws Exception {
    DriverRequest request = codec.readDriverRequest(json);
    JsonNode original = mapper.readTree(json);
    assertThat(request.actions()).hasSize(original.at("/driverRequest/actions").size());

    String written = codec.writeDriverRequest(request);
    assertThat(codec.readDriverRequest(written)).isEqualTo(request);
    assertThat(JsonLeaves.requestLeaves(mapper.readTree(written)))
        .containsAll(JsonLeaves.requestLeaves(original));

    // Every action gets a verdict; the only actions refused are the AWS-only extras and the
    // OpenStack one that names its VLAN "Vlan170".
    for (CheckedAction c : RequestValidator.check(request)) {
      if (c instanceof CheckedAction.Rejected r) {
        assertThat(r.reason()).matches("(?s).*(unknown action type|bad vlanId).*");
      }
    }
  }

  private void legacyAction(String json) {
    DriverRequest request = codec.readDriverRequest(json);
    assertThat(request.actions()).singleElement().isInstanceOf(UnrecognizedAction.class);
    assertThat(RequestValidator.check(request)).singleElement()
        .isInstanceOfSatisfying(CheckedAction.Rejected.class, r ->
            assertThat(r.reason()).contains("2016 draft").contains("vlanId"));
  }

  private void response(String json) throws Exception {
    DriverResponse response = codec.readDriverResponse(json);
    assertThat(response.actionResults()).singleElement().isInstanceOf(VlanResult.class);
    assertThat(mapper.readTree(codec.writeDriverResponse(response)))
        .isEqualTo(mapper.readTree(json));
  }

  private void deployAppResult(String json) throws Exception {
    DeployAppResult result = codec.read(json, DeployAppResult.class);
    assertThat(result.vmDetailsData().vmNetworkData()).hasSize(2);
    assertThat(mapper.readTree(codec.write(result))).isEqualTo(mapper.readTree(json));
  }

  private void getVmDetails(String json) throws Exception {
    GetVmDetailsRequest request = codec.readGetVmDetailsRequest(json);
    assertThat(request.items()).singleElement().satisfies(item -> {
      assertThat(item.deployedAppJson().vmUid()).isEqualTo("uuid");
      assertThat(item.appRequestJson().deploymentService().attribute("VM Name"))
          .isEqualTo("vm folder/vm-name");
    });
    assertThat(JsonLeaves.leaves(mapper.readTree(codec.write(request))))
        .containsAll(JsonLeaves.leaves(mapper.readTree(json)));
  }

  private void resourceAttributes(String json) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, String> attributes = mapper.readValue(json, Map.class);
    assertThat(dev.hangar.datamodel.request.Attributes.find(attributes, "VLAN Type"))
        .isEqualTo("VXLAN");
    assertThat(dev.hangar.datamodel.request.Attributes.find(attributes, "Region")).isNull();
  }

  private <T> T roundTrip(String json, Class<T> type) throws Exception {
    T value = codec.read(json, type);
    String written = codec.write(value);
    assertThat(codec.read(written, type)).isEqualTo(value);
    assertThat(JsonLeaves.leaves(mapper.readTree(written)))
        .containsAll(JsonLeaves.leaves(mapper.readTree(json)));
    return value;
  }

  /** Every property the schema describes is a property of our type, recursively. */
  private void coversSchema(String json, Class<?> type) throws Exception {
    Set<String> missing = new java.util.TreeSet<>();
    walk(mapper.readTree(json), mapper.constructType(type), "", missing);
    assertThat(missing).as("schema properties our model lacks").isEmpty();
  }

  private void walk(JsonNode schema, JavaType type, String path, Set<String> missing) {
    JsonNode props = schema.path("properties");
    if (!props.isObject()) {
      return;
    }
    BeanDescription desc = mapper.getSerializationConfig().introspect(type);
    Map<String, JavaType> ours = desc.findProperties().stream()
        .collect(Collectors.toMap(BeanPropertyDefinition::getName,
            BeanPropertyDefinition::getPrimaryType));
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JavaType child = ours.get(e.getKey());
      if (child == null) {
        missing.add(path + e.getKey());
        continue;
      }
      JsonNode sub = e.getValue();
      if (sub.has("items")) {
        walk(sub.get("items"), child.getContentType(), path + e.getKey() + "[].", missing);
      } else {
        walk(sub, child, path + e.getKey() + ".", missing);
      }
    }
  }
}
