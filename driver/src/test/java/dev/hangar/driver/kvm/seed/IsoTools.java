package dev.hangar.driver.kvm.seed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.testing.Daemons;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent readers the seed tests check images with: bsdtar (libarchive-tools), isoinfo
 * (genisoimage), file(1) (file), blkid (util-linux) and PyYAML (python3-yaml). A test that needs
 * one that is missing is skipped, naming the Debian package to install.
 */
final class IsoTools {
  private IsoTools() {}

  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** The tool's path, or a skipped test when it is not installed. */
  static String require(String tool, String debianPackage) {
    String found = find(tool);
    Daemons.need(found != null,
        tool + " is not installed (Debian package " + debianPackage + ")");
    return found;
  }

  static String find(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
        .split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")); // blkid lives in sbin
    for (String dir : dirs) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, tool);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  /** Runs a command to its end (at most 2 minutes) and returns what it printed. */
  static Result run(Path workDir, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    Process p = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(err.toFile()).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed. */
  static Result ok(Path workDir, String... command) throws IOException, InterruptedException {
    Result r = run(workDir, command);
    assertThat(r.exit()).as("%s exit status; stderr: %s", String.join(" ", command), r.stderr())
        .isZero();
    return r;
  }
}
