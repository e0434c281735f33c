package dev.hangar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCliTest {
  @Test
  void packWritesTheZipAndListsIt(@TempDir Path dir) throws Exception {
    CliRunner r = CliRunner.run("pack", "--out", dir.resolve("dist").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    Path zip = dir.resolve("dist/HangarCloudProvider.zip");
    assertThat(zip).isRegularFile();
    assertThat(r.out()).startsWith("wrote " + zip + " (")
        .contains("\n  TOSCA-Metadata/TOSCA.meta\n  shell-definition.yaml\n  shell-icon.png\n"
            + "  HangarCloudProviderDriver.zip\n  Deployments.zip\n");
    assertThat(r.err()).as("the checked-in files are current").isEmpty();
  }
}
