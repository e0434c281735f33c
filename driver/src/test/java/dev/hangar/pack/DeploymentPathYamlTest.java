package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployments.zip against the descriptors, both ways. */
class DeploymentPathYamlTest {
  private static final String PREFIX = "vendor.resource.";

  /** Every path yaml of Deployments.zip, parsed, by file name. */
  private static Map<String, JsonNode> yamls() throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e
        : PackFiles.entries(ShellPackager.deploymentsZip()).entrySet()) {
      if (e.getKey().endsWith(".yaml")) {
        out.put(e.getKey(), PackFiles.yaml(e.getValue()));
      }
    }
    return out;
  }

  @Test
  void oneYamlPerDeploymentOptionAndOneOptionPerYaml() throws Exception {
    Map<String, JsonNode> yamls = yamls();
    assertThat(yamls).hasSameSizeAs(DeploymentOptions.all());
    for (DeploymentOption o : DeploymentOptions.all()) {
      assertThat(yamls).containsKey(ShellFiles.deploymentFileName(o));
    }
    for (JsonNode doc : yamls.values()) {
      assertThat(doc.path("tosca_definitions_version").asText())
          .isEqualTo(ToscaYaml.TOSCA_VERSION);
      assertThat(doc.path("node_types").size()).isOne();
      String typeName = doc.path("node_types").fieldNames().next();
      assertThat(typeName).startsWith(PREFIX);
      String path = typeName.substring(PREFIX.length());
      assertThat(DeploymentOptions.byPath(path)).as(typeName).isPresent();
      assertThat(DeploymentOptions.byPath(path).orElseThrow().name())
          .isEqualTo(doc.path("metadata").path("template_name").asText());
    }
  }

  @Test
  void eachYamlDeclaresExactlyItsDescriptorsAttributes() throws Exception {
    Map<String, JsonNode> yamls = yamls();
    for (DeploymentOption o : DeploymentOptions.all()) {
      JsonNode type = yamls.get(ShellFiles.deploymentFileName(o)).path("node_types")
          .path(PREFIX + o.name());
      assertThat(type.path("derived_from").asText())
          .isEqualTo("cloudshell.nodes.CustomDeploymentOption");
      Map<String, Declared> expected = new LinkedHashMap<>();
      for (AttributeSpec a : o.attributes()) {
        expected.put(a.name(), Declared.expected(a, DeploymentPathYaml.tags(a)));
      }
      assertThat(Declared.all(type.path("properties"))).as(o.name())
          .containsExactlyEntriesOf(expected);
      assertThat(type.path("artifacts").path("icon").path("file").asText())
          .isEqualTo(ShellFiles.ICON);
    }
  }

  @Test
  void userInputAttributesAreTaggedAndImageChoicesAreAppTemplateOnly() throws Exception {
    AttributeSpec template = DeploymentOptions.KVM_FROM_TEMPLATE.attribute("Template")
        .orElseThrow();
    assertThat(DeploymentPathYaml.tags(template))
        .containsExactly("user_input", "editable_only_in_app_template");
    assertThat(DeploymentPathYaml.tags(template.notUserInput())).isEmpty();
    assertThat(DeploymentPathYaml.tags(DeploymentOptions.KVM_FROM_TEMPLATE.attribute("CPU")
        .orElseThrow())).containsExactly("user_input");
    List<String> allNames = DeploymentOptions.all().stream()
        .flatMap(o -> o.attributes().stream()).map(AttributeSpec::name).toList();
    assertThat(allNames).as("app-template-only names that no path has")
        .containsAll(DeploymentPathYaml.APP_TEMPLATE_ONLY);
  }

  @Test
  void theIconTheYamlsNameIsInTheZip() throws Exception {
    assertThat(PackFiles.entries(ShellPackager.deploymentsZip())).containsKey(ShellFiles.ICON);
  }
}
