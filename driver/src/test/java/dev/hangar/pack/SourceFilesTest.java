package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.options.DeploymentOptions;
import dev.hangar.options.ProviderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in generated files: found stale, rewritten, and the README tables' content. */
class SourceFilesTest {
  @Test
  void staleFilesAreFoundAndRewritten(@TempDir Path home) throws Exception {
    Files.writeString(home.resolve("shell-definition.yaml"), "old\n");
    Files.writeString(home.resolve("README.md"), "# x\n\n"
        + ReadmeTables.begin(ReadmeTables.PROVIDER) + "\nSTALE-TABLE\n"
        + ReadmeTables.end(ReadmeTables.PROVIDER) + "\n\ntext between\n\n"
        + ReadmeTables.begin(ReadmeTables.PATHS) + "\n"
        + ReadmeTables.end(ReadmeTables.PATHS) + "\n"
        + ReadmeTables.begin(ReadmeTables.COMMANDS) + "\n"
        + ReadmeTables.end(ReadmeTables.COMMANDS) + "\n");
    assertThat(SourceFiles.stale(home)).containsExactly("shell-definition.yaml", "README.md");
    assertThat(SourceFiles.update(home)).containsExactly("shell-definition.yaml", "README.md");
    assertThat(SourceFiles.stale(home)).isEmpty();
    String readme = Files.readString(home.resolve("README.md"));
    assertThat(readme).startsWith("# x\n\n").contains("\n\ntext between\n\n")
        .doesNotContain("STALE-TABLE");
    assertThat(Files.readString(home.resolve("shell-definition.yaml")))
        .isEqualTo(ShellDefinition.generate());
  }

  @Test
  void tablesNameEveryAttributeAndPath() {
    String provider = ReadmeTables.providerAttributes();
    ProviderModel.attributes().forEach(a -> assertThat(provider).contains("| " + a.name() + " |"));
    assertThat(provider).contains("| SSH Password | password |")
        .contains("| VLAN Type | string | `VLAN` | `VLAN`, `VXLAN` | How L2 networks are isolated:");
    // The driver reads VLAN Type now; only the Python driver's own attributes are marked.
    assertThat(provider.lines().filter(l -> l.contains("*Not read by the driver")))
        .allMatch(l -> l.startsWith("| Sandbox Host"));
    String paths = ReadmeTables.deploymentPaths();
    DeploymentOptions.all().forEach(o -> {
      assertThat(paths).contains("#### " + o.name() + "\n");
      o.attributes().forEach(a -> assertThat(paths).contains("| " + a.name() + " |"));
    });
    assertThat(paths).contains("`Hangar Cloud Provider.KVM VM From Kernel`, Cloud Type `KVM`");
    assertThat(ReadmeTables.commands()).contains(
        "| `remote_refresh_ip` | Refresh IP | Connectivity | `remote_connectivity,allow_shared` |"
            + " yes |").doesNotContain("get_inventory");
  }

  @Test
  void aReadmeWithoutTheBlocksIsAClearError(@TempDir Path home) throws Exception {
    Files.writeString(home.resolve("README.md"), "# nothing generated here\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceFiles.stale(home))
        .hasMessageContaining("README.md has no '<!-- BEGIN GENERATED provider-attributes");
  }
}
