package dev.hangar.pack;

import dev.hangar.options.DeploymentOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the shell package, {@code <dir>/HangarCloudProvider.zip}, in the layout the platform
 * imports:
 * <pre>
 * TOSCA-Metadata/TOSCA.meta        entry point: shell-definition.yaml
 * shell-definition.yaml            the provider model ({@link ShellDefinition})
 * shell-icon.png                   {@link ShellIcon}
 * HangarCloudProviderDriver.zip    drivermetadata.xml ({@link DriverMetadata}) and the Python
 *                                  driver ({@link PythonDriver})
 * Deployments.zip                  one yaml per deployment path ({@link DeploymentPathYaml}), icon
 * </pre>
 * Entries carry a fixed timestamp, so the same descriptors and sources give the same bytes.
 */
public final class ShellPackager {
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2024, 1, 1, 0, 0);

  /** What was written: the zip and its top-level entries in order. */
  public record Packed(Path zip, List<String> entries) {}

  private ShellPackager() {}

  /** Writes the package into {@code outDir} (created if missing), replacing an older one whole. */
  public static Packed write(Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Path zip = outDir.resolve(ShellFiles.packageFileName());
    Path tmp = Files.createTempFile(outDir, ".pack-", ".zip.tmp");
    List<String> entries = new ArrayList<>();
    try {
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
        put(out, entries, ShellFiles.TOSCA_META, toscaMeta().getBytes(StandardCharsets.UTF_8));
        put(out, entries, ShellFiles.SHELL_DEFINITION,
            ShellDefinition.generate().getBytes(StandardCharsets.UTF_8));
        put(out, entries, ShellFiles.ICON, ShellIcon.png());
        put(out, entries, ShellFiles.DRIVER_ZIP, driverZip());
        put(out, entries, ShellFiles.DEPLOYMENTS_ZIP, deploymentsZip());
      }
      Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Packed(zip, List.copyOf(entries));
  }

  /** The CSAR entry point the platform reads first. */
  public static String toscaMeta() {
    return "TOSCA-Meta-File-Version: 1.0\n"
        + "CSAR-Version: 0.1.0\n"
        + "Created-By: " + ShellFiles.AUTHOR + "\n"
        + "Entry-Definitions: " + ShellFiles.SHELL_DEFINITION + "\n";
  }

  /** Deployments.zip: each path's yaml and the icon they name. */
  public static byte[] deploymentsZip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      List<String> names = new ArrayList<>();
      for (DeploymentOption o : DeploymentPathYaml.options()) {
        put(out, names, ShellFiles.deploymentFileName(o),
            DeploymentPathYaml.generate(o).getBytes(StandardCharsets.UTF_8));
      }
      put(out, names, ShellFiles.ICON, ShellIcon.png());
    }
    return bytes.toByteArray();
  }

  /** The driver artifact: its metadata and the Python driver the execution server runs. */
  static byte[] driverZip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      List<String> names = new ArrayList<>();
      put(out, names, ShellFiles.DRIVER_METADATA,
          DriverMetadata.generate().getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> f : PythonDriver.files().entrySet()) {
        put(out, names, f.getKey(), f.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream out, List<String> names, String name, byte[] data)
      throws IOException {
    out.putNextEntry(entry(name));
    ((OutputStream) out).write(data);
    out.closeEntry();
    names.add(name);
  }

  private static ZipEntry entry(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTimeLocal(FIXED_TIME);
    return e;
  }
}
