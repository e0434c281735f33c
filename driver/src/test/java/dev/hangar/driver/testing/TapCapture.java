package dev.hangar.driver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpdump} on one device in a {@link RealLibvirtd}'s namespace, in one direction: for a
 * guest's tap, {@code in} is what the guest sent and {@code out} what the switch delivered to
 * it. Counts the frames that match a filter; {@link #close()} stops it by pid.
 */
public final class TapCapture implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(30);

  private final Process process;
  private final Path out;
  private final Path err;

  private TapCapture(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Why tcpdump cannot run here (for the skip message), or null when it can. */
  public static String unavailableReason() {
    return Files.isExecutable(Path.of("/usr/bin/tcpdump")) ? null
        : "missing /usr/bin/tcpdump; on Debian run bin/deps vm (tcpdump)";
  }

  /**
   * Starts capturing on {@code device} ({@code direction} {@code in} or {@code out}) the frames
   * matching the pcap {@code filter}, and returns once tcpdump listens.
   */
  public static TapCapture start(RealLibvirtd host, String device, String direction,
      String filter) throws IOException {
    Path out = Files.createTempFile("hangar-tcpdump-", ".out");
    Path err = Files.createTempFile("hangar-tcpdump-", ".err");
    // -l: a line per frame as it comes; -n: no name lookups; -p: the tap only, not promiscuous.
    Process p = host.processBuilder("/usr/bin/tcpdump", "-i", device, "-Q", direction, "-n",
        "-l", "-p", "-e", filter).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    p.getOutputStream().close();
    TapCapture capture = new TapCapture(p, out, err);
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.readString(err, StandardCharsets.UTF_8).contains("listening on")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        capture.close();
        throw new IOException("tcpdump on " + device + " in " + host.netns() + " did not start: "
            + capture.errors());
      }
      sleep(50);
    }
    return capture;
  }

  /** The frames captured so far, one line each. */
  public List<String> frames() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
        .toList();
  }

  private String errors() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8).strip();
  }

  /** Stops tcpdump (it prints what it had) and removes its files. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      try {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      } catch (IOException e) {
        // temp files; nothing else depends on them
      }
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
