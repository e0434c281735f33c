package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import dev.hangar.options.ProviderModel;
import dev.hangar.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every attribute name in samples/ (contexts, requests, scenarios, and the app JSON nested in
 * them as strings) is one the package declares: provider attributes in {@link ProviderModel},
 * deployment attributes in their path's descriptor.
 */
class SampleAttributesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> problems = new ArrayList<>();
  private int providerNames;
  private int pathNames;

  @Test
  void sampleAttributeNamesMatchTheDeclarations() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Samples.dir())) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      visit(Samples.dir().relativize(f).toString(), json.readTree(f.toFile()));
    }
    assertThat(problems).isEmpty();
    assertThat(providerNames).as("provider attribute names checked").isGreaterThan(20);
    assertThat(pathNames).as("deployment attribute names checked").isGreaterThan(20);
  }

  private void visit(String where, JsonNode node) throws Exception {
    if (node.isTextual()) {
      String s = node.asText().strip();
      if (s.startsWith("{") && s.endsWith("}")) {
        visit(where + " (nested JSON)", json.readTree(s));
      }
      return;
    }
    if (node.isObject()) {
      if (ProviderModel.NAME.equals(node.path("model").asText())
          && node.path("attributes").isObject()) {
        node.path("attributes").fieldNames().forEachRemaining(n -> providerAttribute(where, n));
      }
      if (node.has("deploymentPath")) {
        pathAttributes(where, node.path("deploymentPath").asText(), node.path("attributes"),
            "attributeName");
      }
      if (node.has("deploymentService")) {
        JsonNode service = node.path("deploymentService");
        pathAttributes(where, service.path("model").asText(), service.path("attributes"),
            "name");
      }
    }
    for (JsonNode child : node) {
      visit(where, child);
    }
  }

  private void providerAttribute(String where, String name) {
    providerNames++;
    String plain = strip(name, ProviderModel.NAME + ".");
    if (ProviderModel.attribute(plain).isEmpty()) {
      problems.add(where + ": provider attribute '" + name + "' is not declared");
    }
  }

  private void pathAttributes(String where, String path, JsonNode attributes, String nameField) {
    Optional<DeploymentOption> option = DeploymentOptions.byPath(path);
    if (option.isEmpty()) {
      problems.add(where + ": deployment path '" + path + "' is not a DeploymentOption");
      return;
    }
    String name = option.get().name();
    for (JsonNode a : attributes) {
      pathNames++;
      String raw = a.path(nameField).asText();
      String plain = strip(strip(raw, ProviderModel.NAME + "." + name + "."), name + ".");
      if (option.get().attribute(plain).isEmpty()) {
        problems.add(where + ": '" + raw + "' is not an attribute of " + name);
      }
    }
  }

  private static String strip(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }
}
