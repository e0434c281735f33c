package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.options.DeploymentOptions;
import dev.hangar.options.ProviderModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip the platform imports: its layout, entry point and nested artifacts. */
class PackTest {
  @TempDir
  Path dir;

  private Path fakeJar() throws Exception {
    Path jar = dir.resolve("hangar.jar");
    Files.write(jar, PackFiles.fakeJar());
    return jar;
  }

  @Test
  void writesTheLayoutThePlatformImports() throws Exception {
    Path jar = fakeJar();
    ShellPackager.Packed packed = ShellPackager.write(dir.resolve("dist"), jar);
    assertThat(packed.zip()).isEqualTo(dir.resolve("dist/HangarCloudProvider.zip"));
    Map<String, byte[]> zip = PackFiles.entries(Files.readAllBytes(packed.zip()));
    assertThat(zip.keySet()).containsExactly("TOSCA-Metadata/TOSCA.meta",
        "shell-definition.yaml", "shell-icon.png", "HangarCloudProviderDriver.zip",
        "Deployments.zip");
    assertThat(packed.entries()).containsExactlyElementsOf(zip.keySet());

    String meta = new String(zip.get("TOSCA-Metadata/TOSCA.meta"), StandardCharsets.UTF_8);
    assertThat(meta.lines()).contains("TOSCA-Meta-File-Version: 1.0", "CSAR-Version: 0.1.0",
        "Created-By: Hangar", "Entry-Definitions: shell-definition.yaml");
    String entry = meta.lines().filter(l -> l.startsWith("Entry-Definitions: ")).findFirst()
        .orElseThrow().substring("Entry-Definitions: ".length());
    assertThat(new String(zip.get(entry), StandardCharsets.UTF_8))
        .isEqualTo(ShellDefinition.generate());

    // Every artifact the definition names is in the zip.
    JsonNode artifacts = PackFiles.yaml(zip.get(entry)).path("node_types")
        .path(ShellFiles.nodeType(ProviderModel.NAME)).path("artifacts");
    List<String> files = new ArrayList<>();
    artifacts.forEach(a -> files.add(a.path("file").asText()));
    assertThat(files).hasSize(3);
    assertThat(zip).containsKeys(files.toArray(String[]::new));

    Map<String, byte[]> driver = PackFiles.entries(zip.get("HangarCloudProviderDriver.zip"));
    assertThat(driver.keySet()).containsExactly("drivermetadata.xml", "hangar.jar");
    assertThat(driver.get("hangar.jar")).isEqualTo(Files.readAllBytes(jar));
    assertThat(new String(driver.get("drivermetadata.xml"), StandardCharsets.UTF_8))
        .isEqualTo(DriverMetadata.generate());

    Map<String, byte[]> deployments = PackFiles.entries(zip.get("Deployments.zip"));
    assertThat(deployments.keySet()).containsExactly("kvm-vm-from-template.yaml",
        "kvm-vm-from-kernel.yaml", "aws-ec2-instance.yaml", "openstack-instance.yaml",
        "shell-icon.png");
    assertThat(deployments).hasSize(DeploymentOptions.all().size() + 1);
  }

  @Test
  void theIconIsASmallPng() throws Exception {
    BufferedImage icon = ImageIO.read(new ByteArrayInputStream(ShellIcon.png()));
    assertThat(icon.getWidth()).isEqualTo(64);
    assertThat(icon.getHeight()).isEqualTo(64);
    assertThat(icon.getRGB(0, 0) >>> 24).as("corner is transparent").isZero();
    assertThat(icon.getRGB(32, 50) >>> 24).as("the hangar is opaque").isEqualTo(0xff);
  }

  @Test
  void theSameInputsGiveTheSameBytesAndAnOldPackageIsReplaced() throws Exception {
    Path jar = fakeJar();
    Path out = dir.resolve("out");
    byte[] first = Files.readAllBytes(ShellPackager.write(out, jar).zip());
    byte[] second = Files.readAllBytes(ShellPackager.write(out, jar).zip());
    assertThat(second).isEqualTo(first);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .containsExactly("HangarCloudProvider.zip");
    }
  }

  @Test
  void aMissingDriverJarIsAClearError() {
    Path missing = dir.resolve("nope.jar");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ShellPackager.write(dir.resolve("out"), missing))
        .hasMessageContaining("driver jar " + missing + " does not exist");
  }
}
