package dev.hangar.driver.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What every private daemon of the embedded environment and the test fixtures needs: finding an
 * installed binary, a free loopback port, running a short command, removing a private dir.
 */
public final class LocalProcesses {
  private static final List<String> SEARCH = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin",
      "/usr/local/bin");

  private LocalProcesses() {}

  /** The path of an executable {@code binary} in the usual system dirs, or null. */
  public static String find(String binary) {
    for (String d : SEARCH) {
      Path p = Path.of(d, binary);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /**
   * Whether process {@code pid} holds a socket listening on TCP {@code port} (Linux: the
   * process's {@code net/tcp{,6}} and its descriptors). Another process on that port does not
   * count: a connect would not tell the two apart.
   */
  public static boolean listens(long pid, int port) {
    Set<String> inodes = new HashSet<>();
    String local = String.format(Locale.ROOT, ":%04X", port);
    for (String table : new String[] {"tcp", "tcp6"}) {
      Path path = Path.of("/proc", Long.toString(pid), "net", table);
      try (Stream<String> lines = Files.lines(path)) {
        // columns: sl local_address rem_address st ... uid timeout inode; 0A = LISTEN
        lines.skip(1).map(l -> l.trim().split("\\s+"))
            .filter(c -> c.length > 9 && c[1].endsWith(local) && c[3].equals("0A"))
            .forEach(c -> inodes.add("socket:[" + c[9] + "]"));
      } catch (IOException e) {
        return false; // the process is gone
      }
    }
    if (inodes.isEmpty()) {
      return false;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return inodes.contains(Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
          return false; // closed while we looked
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  /** A loopback TCP port nobody listens on right now. */
  public static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Runs a short command (stderr merged into stdout) for at most 30 s; returns its output.
   *
   * @throws IOException when it fails, times out or exits non-zero (with its output)
   */
  public static String run(ProcessBuilder pb) throws IOException {
    List<String> cmd = pb.command();
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(Path.of(cmd.get(0)).getFileName() + " failed (" + p.exitValue()
          + "): " + out.strip());
    }
    return out;
  }

  /** Removes {@code root} and everything below it; a leftover temp dir is harmless. */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // The processes are what must not leak.
    }
  }
}
