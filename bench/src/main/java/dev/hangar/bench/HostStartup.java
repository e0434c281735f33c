package dev.hangar.bench;

import dev.hangar.host.BearerToken;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast {@code hangar serve} starts and how much memory it holds idle: runs it RUNS times
 * (default 5) as a fresh process ({@code java -jar driver/target/hangar.jar serve}, the JVM's
 * default flags), measures from the process start to its first SERVING health answer (with the
 * token), then its resident set (VmRSS) after {@value #IDLE_SECONDS} s idle, then stops it with
 * SIGTERM. Prints each run and the median. Not JMH: each sample is a whole process.
 */
public final class HostStartup {
  private static final long IDLE_SECONDS = 3;
  private static final Pattern SERVING = Pattern.compile("^serving on ([^ ]+):(\\d+) ");
  private static final String TOKEN = "startup-bench-token-0123456789";

  private HostStartup() {}

  /** What one run measured. */
  record Run(long servingMs, long idleRssKib, long stopMs) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path jar = Path.of(args.length > 1 ? args[1] : "driver/target/hangar.jar");
    if (!Files.exists(jar)) {
      throw new IOException("no " + jar + ": build it (mvn -DskipTests package -pl driver -am)");
    }
    List<Run> all = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Run r = once(jar);
      all.add(r);
      System.out.printf("run %d: start-to-serving %d ms, idle RSS %.1f MiB, SIGTERM-to-exit"
          + " %d ms%n", i, r.servingMs(), r.idleRssKib() / 1024.0, r.stopMs());
    }
    System.out.printf("median of %d: start-to-serving %d ms, idle RSS %.1f MiB, SIGTERM-to-exit"
        + " %d ms%n", runs, median(all.stream().map(Run::servingMs).toList()),
        median(all.stream().map(Run::idleRssKib).toList()) / 1024.0,
        median(all.stream().map(Run::stopMs).toList()));
  }

  private static Run once(Path jar) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", jar.toString(), "serve", "--listen", "127.0.0.1:0")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("HANGAR_TOKEN", TOKEN);
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m = SERVING.matcher(String.valueOf(line));
      if (!m.find()) {
        throw new IOException("hangar serve said: " + line);
      }
      ManagedChannel channel = Grpc.newChannelBuilder(m.group(1) + ":" + m.group(2),
          InsecureChannelCredentials.create()).build();
      long serving;
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
            .withCallCredentials(new BearerToken(TOKEN).credentials());
        while (true) {
          try {
            if (health.withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == HealthCheckResponse.ServingStatus.SERVING) {
              break;
            }
          } catch (StatusRuntimeException e) {
            // not yet
          }
          Thread.sleep(5);
        }
        serving = (System.nanoTime() - start) / 1_000_000;
      } finally {
        channel.shutdownNow();
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
      long rss = rssKib(p.pid());
      long stopAt = System.nanoTime();
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
      return new Run(serving, rss, (System.nanoTime() - stopAt) / 1_000_000);
    } finally {
      p.destroyForcibly();
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D+", ""));
      }
    }
    throw new IOException("no VmRSS for pid " + pid);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
