package dev.hangar.datamodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.datamodel.designer.AttributeHint;
import dev.hangar.datamodel.designer.AttributeHintsRequest;
import dev.hangar.datamodel.designer.ValidateAttributesRequest;
import dev.hangar.datamodel.request.Artifact;
import dev.hangar.datamodel.request.Attribute;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DeleteSavedApp;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.request.SaveApp;
import dev.hangar.datamodel.result.ActionResults;
import dev.hangar.datamodel.result.DeleteSavedAppResult;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.datamodel.result.SaveAppResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SaveApp / DeleteSavedApp and the designer's requests in cloudshell-cp-core's and the vCenter
 * 2G shell's field names (the samples under save-restore/).
 */
class SaveRestoreWireTest {
  private final WireCodec codec = WireCodec.standard();

  private static String resource(String name) throws IOException {
    try (InputStream in = SaveRestoreWireTest.class.getResourceAsStream("/save-restore/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void saveAppActionsReadWithEveryParamUnderEitherSpellingOfTheType() throws Exception {
    DriverRequest r = codec.readDriverRequest(resource("save-app-request.json"));
    assertThat(r.actions()).hasSize(2).allSatisfy(a -> assertThat(a).isInstanceOf(SaveApp.class));
    SaveApp first = (SaveApp) r.actions().get(0);
    assertThat(first.type()).isEqualTo("SaveApp");
    SaveApp.Params p = first.params();
    assertThat(p.saveDeploymentModel()).isEqualTo("Hangar Cloud Provider.KVM VM From Template");
    assertThat(p.savedSandboxId()).isEqualTo("0c2a7e1f-9b3d-4e5f-8a6b-1c2d3e4f5a6b");
    assertThat(p.sourceVmUuid()).isEqualTo("09d9f213-e74c-3bc7-8bd0-2f345c9eec68");
    assertThat(p.sourceAppName()).isEqualTo("web");
    // A number arrives as the string a server would send.
    assertThat(p.deploymentPathAttributes()).containsExactly(
        new Attribute("Hangar Cloud Provider.KVM VM From Template.Template", "debian-12.qcow2"),
        new Attribute("Hangar Cloud Provider.KVM VM From Template.CPU", "2"));
    SaveApp second = (SaveApp) r.actions().get(1);
    assertThat(second.type()).isEqualTo("SaveApp");
    assertThat(second.params().deploymentPathAttributes()).isEmpty();
    assertThat(RequestValidator.check(r)).allSatisfy(c ->
        assertThat(c).isInstanceOf(CheckedAction.Accepted.class));
  }

  @Test
  void deleteSavedAppReadsItsArtifacts() throws Exception {
    DriverRequest r = codec.readDriverRequest(resource("delete-saved-app-request.json"));
    DeleteSavedApp d = (DeleteSavedApp) r.actions().get(0);
    assertThat(d.params().savedSandboxId()).isEqualTo("0c2a7e1f-9b3d-4e5f-8a6b-1c2d3e4f5a6b");
    assertThat(d.params().savedAppName()).isEqualTo("web");
    assertThat(d.params().artifacts()).containsExactly(
        new Artifact("saved-0c2a7e1f-web", "saved-0c2a7e1f-web.qcow2"));
  }

  @Test
  void theRequestWritesBackWithTheParamsTags() throws Exception {
    DriverRequest r = codec.readDriverRequest(resource("delete-saved-app-request.json"));
    String written = codec.writeDriverRequest(r);
    assertThat(written).contains("\"type\":\"DeleteSavedAppParams\"")
        .contains("\"type\":\"DeleteSavedApp\"");
    assertThat(codec.readDriverRequest(written)).isEqualTo(r);
  }

  @Test
  void resultsWriteExactlyAsThePlatformReadsThemAndReadBack() throws Exception {
    DriverResponse response = new DriverResponse(List.of(
        new SaveAppResult("f6b1a0d2-5e01-4c2b-9d3a-000000000001", true, null, null,
            List.of(new Artifact("saved-0c2a7e1f-web", "saved-0c2a7e1f-web.qcow2")),
            List.of(new Attribute("Template", "saved-0c2a7e1f-web.qcow2")),
            "Hangar Cloud Provider.KVM VM From Template",
            List.of(new SaveAppResult.DataElement("savedFrom",
                "09d9f213-e74c-3bc7-8bd0-2f345c9eec68"))),
        ActionResults.failure("de1e0000-0001-4000-8000-000000000001", "DeleteSavedApp",
            "an artifact of saved app 'web' has no artifactRef")));
    String written = codec.writeDriverResponse(response);
    assertThat(written).isEqualTo(resource("save-app-response.json").strip());
    DriverResponse back = codec.readDriverResponse(written);
    assertThat(back).isEqualTo(response);
    assertThat(back.actionResults().get(1)).isInstanceOf(DeleteSavedAppResult.class);
  }

  @Test
  void failedResultsCarryTheirTypeForEitherSpelling() {
    assertThat(ActionResults.failure("a", "saveApp", "x")).isEqualTo(
        SaveAppResult.failure("a", "x"));
    assertThat(ActionResults.failure("a", "SaveApp", "x").type()).isEqualTo("SaveApp");
    assertThat(ActionResults.failure("a", "deleteSavedApp", "x").type())
        .isEqualTo("DeleteSavedApp");
  }

  @Test
  void theDesignersRequestsReadInPascalCase() throws Exception {
    ValidateAttributesRequest v = codec.readValidateAttributes(
        resource("validate-attributes-request.json"));
    assertThat(v.actionId()).isEqualTo("va1d0000-0001-4000-8000-000000000001");
    assertThat(v.deploymentPath()).isEqualTo("Hangar Cloud Provider.KVM VM From Kernel");
    assertThat(v.attributes()).extracting(ValidateAttributesRequest.Value::value)
        .containsExactly("/boot/vmlinuz", "2", "False");
    AttributeHintsRequest h = codec.readAttributeHints(
        resource("get-attribute-hints-request.json"));
    assertThat(h.attributeName())
        .isEqualTo("Hangar Cloud Provider.KVM VM From Template.Template");
    assertThat(h.attributeValues()).containsExactly(new AttributeHint(
        "Hangar Cloud Provider.KVM VM From Template.CPU", List.of("2")));
    assertThat(codec.write(List.of(new AttributeHint("p.Template", List.of("a", "b")))))
        .isEqualTo("[{\"AttributeName\":\"p.Template\",\"Values\":[\"a\",\"b\"]}]");
    assertThatThrownBy(() -> codec.readValidateAttributes("{\"ActionId\":\"a\"}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("no DeploymentPath");
    assertThatThrownBy(() -> codec.readAttributeHints("{\"DeploymentPath\":\"p\"}"))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("needs DeploymentPath and AttributeName");
    assertThatThrownBy(() -> codec.readAttributeHints("[1]"))
        .isInstanceOf(MalformedRequestException.class);
  }
}
