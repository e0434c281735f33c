package dev.hangar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Checks on loopback ports that tests close. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * Whether a socket of this process listens on the port (Linux: /proc/net/tcp{,6} and the
   * process's descriptors). Another process that took the port after it was freed does not
   * count, nor does a connect that landed on itself: a check that our listener closed cannot
   * fail by chance.
   */
  public static boolean listensHere(int port) {
    Set<String> inodes = new HashSet<>();
    String local = String.format(Locale.ROOT, ":%04X", port);
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try (Stream<String> lines = Files.lines(Path.of(table))) {
        // columns: sl local_address rem_address st ... uid timeout inode
        lines.skip(1).map(l -> l.trim().split("\\s+"))
            .filter(c -> c[1].endsWith(local) && c[3].equals("0A"))
            .forEach(c -> inodes.add("socket:[" + c[9] + "]"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table, e);
      }
    }
    if (inodes.isEmpty()) {
      return false;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return inodes.contains(Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
          return false; // closed while we looked
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
  }
}
