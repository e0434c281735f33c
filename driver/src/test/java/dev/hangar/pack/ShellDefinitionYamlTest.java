package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeType;
import dev.hangar.options.ProviderModel;
import dev.hangar.testing.Samples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShellDefinitionYamlTest {
  private static JsonNode nodeType(String yaml) throws Exception {
    JsonNode doc = ToscaYaml.mapper().readTree(yaml);
    return doc.path("node_types").path(ShellFiles.nodeType(ProviderModel.NAME));
  }

  @Test
  void parsesAsTheProviderModelDerivedFromTheStandard() throws Exception {
    JsonNode doc = ToscaYaml.mapper().readTree(ShellDefinition.generate());
    assertThat(doc.path("tosca_definitions_version").asText()).isEqualTo("tosca_simple_yaml_1_0");
    assertThat(doc.path("metadata").path("template_name").asText()).isEqualTo(ProviderModel.NAME);
    assertThat(doc.path("metadata").path("template_icon").asText()).isEqualTo(ShellFiles.ICON);
    assertThat(doc.path("imports").get(0).path("cloudshell_standard").asText())
        .isEqualTo("cloudshell_cloud_provider_standard_1_0_0.yaml");
    assertThat(doc.path("node_types").size()).isOne();
    JsonNode type = nodeType(ShellDefinition.generate());
    assertThat(type.path("derived_from").asText()).isEqualTo("cloudshell.nodes.CustomCloudProvider");
    assertThat(type.path("capabilities").path("auto_discovery_capability").path("type").asText())
        .isEqualTo("cloudshell.capabilities.AutoDiscovery");
    JsonNode artifacts = type.path("artifacts");
    assertThat(artifacts.path("icon").path("file").asText()).isEqualTo(ShellFiles.ICON);
    assertThat(artifacts.path("driver").path("file").asText()).isEqualTo(ShellFiles.DRIVER_ZIP);
    assertThat(artifacts.path("deployment").path("file").asText())
        .isEqualTo(ShellFiles.DEPLOYMENTS_ZIP);
  }

  @Test
  void declaresEveryProviderAttributeUnderPropertiesAndAutoDiscoveryAndNothingElse()
      throws Exception {
    JsonNode type = nodeType(ShellDefinition.generate());
    Map<String, Declared> expectedProperties = new LinkedHashMap<>();
    Map<String, Declared> expectedDiscovery = new LinkedHashMap<>();
    for (AttributeSpec a : ProviderModel.attributes()) {
      expectedProperties.put(a.name(), Declared.expected(a, ShellDefinition.PROVIDER_TAGS));
      expectedDiscovery.put(a.name(), Declared.expected(a, null));
    }
    assertThat(Declared.all(type.path("properties")))
        .containsExactlyEntriesOf(expectedProperties);
    Map<String, Declared> discovery = Declared.all(
        type.path("capabilities").path("auto_discovery_capability").path("properties"));
    assertThat(new ArrayList<>(discovery.keySet()).subList(0, 3))
        .isEqualTo(ShellDefinition.AUTO_DISCOVERY_STANDARD);
    ShellDefinition.AUTO_DISCOVERY_STANDARD.forEach(discovery::remove);
    assertThat(discovery).containsExactlyEntriesOf(expectedDiscovery);
  }

  @Test
  void secretsArePasswordsWithNoDefault() throws Exception {
    JsonNode properties = nodeType(ShellDefinition.generate()).path("properties");
    List<String> secrets = ProviderModel.attributes().stream().filter(AttributeSpec::isSecret)
        .map(AttributeSpec::name).toList();
    assertThat(secrets).isNotEmpty();
    for (String s : secrets) {
      assertThat(properties.path(s).path("type").asText()).isEqualTo(
          "cloudshell.datatypes.Password");
      assertThat(properties.path(s).path("default").asText()).isEmpty();
    }
  }

  @Test
  void namesAndDescriptionsAreEscapedByTheEmitter() throws Exception {
    String nasty = "a: b # not a comment, \"quoted\", 'single', [x], {y}, & *z, | > %, @`\nline";
    List<AttributeSpec> attrs = List.of(
        AttributeSpec.choice("Odd: Name #1", "- dash", nasty, "- dash", "yes", "[]"),
        AttributeSpec.number("Count", "7", "n"),
        AttributeSpec.bool("Flag", false, "f"),
        new AttributeSpec("Key", AttributeType.PASSWORD, "", "secret", true, List.of()));
    String yaml = ShellDefinition.generate("Odd \"Model\": x", attrs);
    JsonNode type = ToscaYaml.mapper().readTree(yaml).path("node_types")
        .path("vendor.resource.Odd \"Model\": x");
    Map<String, Declared> back = Declared.all(type.path("properties"));
    assertThat(back.keySet()).containsExactly("Odd: Name #1", "Count", "Flag", "Key");
    assertThat(back.get("Odd: Name #1"))
        .isEqualTo(Declared.expected(attrs.get(0), ShellDefinition.PROVIDER_TAGS));
    assertThat(type.path("properties").path("Count").path("default").isIntegralNumber()).isTrue();
    assertThat(type.path("properties").path("Flag").path("default").isBoolean()).isTrue();
  }

  @Test
  void theCheckedInShellDefinitionAndReadmeTablesAreCurrent() throws Exception {
    assertThat(SourceFiles.stale(Samples.home()))
        .as("generated files differ from the descriptors: run bin/hangar pack --update-sources"
            + " and commit the result")
        .isEmpty();
  }
}
