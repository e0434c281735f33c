package dev.hangar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCliTest {
  @Test
  void packWritesTheZipAndListsIt(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("driver.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      z.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      z.closeEntry();
    }
    CliRunner r = CliRunner.run("pack", "--out", dir.resolve("dist").toString(), "--driver-jar",
        jar.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    Path zip = dir.resolve("dist/HangarCloudProvider.zip");
    assertThat(zip).isRegularFile();
    assertThat(r.out()).startsWith("wrote " + zip + " (")
        .contains("\n  TOSCA-Metadata/TOSCA.meta\n  shell-definition.yaml\n  shell-icon.png\n"
            + "  HangarCloudProviderDriver.zip\n  Deployments.zip\n");
    assertThat(r.err()).as("the checked-in files are current").isEmpty();
  }

  @Test
  void noDriverJarIsBadUsage(@TempDir Path dir) {
    CliRunner r = CliRunner.run("pack", "--out", dir.toString(), "--driver-jar",
        dir.resolve("missing.jar").toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("no driver jar at " + dir.resolve("missing.jar"))
        .contains("--driver-jar");
  }
}
