package dev.hangar.cli;

import dev.hangar.pack.ShellPackager;
import dev.hangar.pack.SourceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path dir = out != null ? out : home.resolve("dist");
    ShellPackager.Packed packed = ShellPackager.write(dir);
    stdout.printf("wrote %s (%d bytes)%n", packed.zip(), Files.size(packed.zip()));
    for (String entry : packed.entries()) {
      stdout.println("  " + entry);
    }
    return Main.OK;
  }
}
