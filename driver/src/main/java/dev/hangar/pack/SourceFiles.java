package dev.hangar.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated files checked into the repository: {@code shell-definition.yaml} and the README's
 * attribute tables. A test fails when they differ from what the descriptors give; {@code hangar
 * pack --update-sources} rewrites them.
 */
public final class SourceFiles {
  public static final String README = "README.md";

  private SourceFiles() {}

  /** The files under {@code home} whose content is not what the descriptors give. */
  public static List<String> stale(Path home) throws IOException {
    List<String> out = new ArrayList<>();
    if (!ShellDefinition.generate().equals(read(home.resolve(ShellFiles.SHELL_DEFINITION)))) {
      out.add(ShellFiles.SHELL_DEFINITION);
    }
    String readme = read(home.resolve(README));
    if (!ReadmeTables.apply(readme).equals(readme)) {
      out.add(README);
    }
    return out;
  }

  /** Rewrites the stale files; returns their names. */
  public static List<String> update(Path home) throws IOException {
    List<String> stale = stale(home);
    if (stale.contains(ShellFiles.SHELL_DEFINITION)) {
      Files.writeString(home.resolve(ShellFiles.SHELL_DEFINITION), ShellDefinition.generate(),
          StandardCharsets.UTF_8);
    }
    if (stale.contains(README)) {
      Path readme = home.resolve(README);
      Files.writeString(readme, ReadmeTables.apply(read(readme)), StandardCharsets.UTF_8);
    }
    return stale;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
