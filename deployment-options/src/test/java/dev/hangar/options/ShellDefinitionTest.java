package dev.hangar.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first shell-definition.yaml declares every provider attribute the driver reads, with the
 * descriptor's default, under both properties and the auto-discovery capability. (The packaging
 * issue generates the file from the descriptors; until then this keeps the two in step.)
 */
class ShellDefinitionTest {
  @Test
  void declaresEveryProviderAttributeTwiceWithItsDefault() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "shell-definition.yaml"));
    assertThat(lines).contains("  vendor.resource." + ProviderModel.NAME + ":");
    for (AttributeSpec a : ProviderModel.attributes()) {
      List<Integer> at = new java.util.ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).strip().equals(a.name() + ":")) {
          at.add(i);
        }
      }
      assertThat(at).as(a.name()).hasSize(2);
      for (int i : at) {
        String type = lines.get(i + 1).strip();
        String dflt = lines.get(i + 2).strip();
        assertThat(type).as(a.name()).isEqualTo("type: " + a.type().tosca());
        String expected = a.defaultValue().isEmpty() ? "''" : a.defaultValue();
        assertThat(dflt).as(a.name()).isEqualTo("default: " + expected);
      }
    }
  }
}
