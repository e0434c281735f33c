package dev.hangar.cli;

import dev.hangar.pack.ShellPackager;
import dev.hangar.pack.SourceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar pack}: writes the shell package a platform admin imports,
 * {@code dist/HangarCloudProvider.zip}, generated from the descriptors and the running driver jar.
 */
@CommandLine.Command(name = "pack", mixinStandardHelpOptions = true,
    description = "Writes the shell package (TOSCA-Metadata/TOSCA.meta, shell-definition.yaml,"
        + " the icon, the driver and Deployments.zip) as DIR/HangarCloudProvider.zip.")
final class PackCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--out", paramLabel = "DIR",
      description = "Where to write the zip (default: dist/ under the Hangar checkout).")
  Path out;

  @CommandLine.Option(names = "--driver-jar", paramLabel = "JAR",
      description = "The driver jar to package (default: the jar this command runs from, else"
          + " driver/target/hangar.jar).")
  Path driverJar;

  @CommandLine.Option(names = "--update-sources",
      description = "First rewrite the checked-in generated files (shell-definition.yaml, the"
          + " README's attribute tables) from the descriptors.")
  boolean updateSources;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = Path.of(System.getProperty("hangar.home", ".")).toAbsolutePath().normalize();
    if (updateSources) {
      List<String> updated = SourceFiles.update(home);
      stdout.println(updated.isEmpty() ? "sources up to date"
          : "updated " + String.join(", ", updated));
    } else if (Files.exists(home.resolve("shell-definition.yaml"))) {
      List<String> stale = SourceFiles.stale(home);
      if (!stale.isEmpty()) {
        err.println("hangar pack: " + String.join(", ", stale) + " differ from the descriptors;"
            + " the package is generated from the descriptors (run hangar pack --update-sources"
            + " to refresh the checked-in files)");
      }
    }
    Path jar = driverJar != null ? driverJar : defaultJar(home);
    if (!Files.isRegularFile(jar)) {
      err.println("hangar pack: no driver jar at " + jar + "; build it (bin/hangar builds"
          + " driver/target/hangar.jar) or pass --driver-jar");
      return Main.USAGE;
    }
    Path dir = out != null ? out : home.resolve("dist");
    ShellPackager.Packed packed = ShellPackager.write(dir, jar);
    stdout.printf("wrote %s (%d bytes)%n", packed.zip(), Files.size(packed.zip()));
    for (String entry : packed.entries()) {
      stdout.println("  " + entry);
    }
    return Main.OK;
  }

  /** The jar this CLI runs from (bin/hangar runs driver/target/hangar.jar), else that path. */
  private static Path defaultJar(Path home) {
    CodeSource source = PackCommand.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        Path self = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
          return self;
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        // Not a file URI: fall back to the build output below.
      }
    }
    // Classes run from a directory (tests, an IDE): the jar bin/hangar builds.
    return home.resolve("driver").resolve("target").resolve("hangar.jar");
  }
}
