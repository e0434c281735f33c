package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.cli.Main;
import dev.hangar.driver.Command;
import dev.hangar.testing.ChildJvm;
import dev.hangar.testing.Samples;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hangar serve} in a child JVM, for tests that kill a host: the child is the caller's to
 * stop (by its {@link Process}); its stderr goes to {@code serve.err} in the given dir.
 */
public final class ServeChild {
  private static final Pattern SERVING = Pattern.compile("^serving on 127\\.0\\.0\\.1:(\\d+) ");

  private ServeChild() {}

  /** Starts {@code hangar serve --listen 127.0.0.1:0} with the host token, warnings only. */
  public static Process start(Path dir) throws IOException {
    return start(dir, 0, List.of());
  }

  /**
   * {@link #start(Path)} with more options of {@code serve} ({@code --embedded}: stop such a
   * child with SIGTERM, {@link Process#destroy()}, so that it stops its ovsdb-server).
   */
  public static Process start(Path dir, List<String> options) throws IOException {
    return start(dir, 0, options);
  }

  /**
   * Starts {@code hangar serve --listen 127.0.0.1:PORT} (0: any free port) with the host token,
   * warnings only; its stderr is appended to {@code serve.err} in {@code dir}.
   */
  public static Process start(Path dir, int port) throws IOException {
    return start(dir, port, List.of());
  }

  private static Process start(Path dir, int port, List<String> options) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("serve", "--listen",
        "127.0.0.1:" + port));
    args.addAll(options);
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(
        "-Dhangar.home=" + Samples.home(), "-DHANGAR_LOG_LEVEL=WARN"), Main.class,
        args.toArray(String[]::new))).redirectError(ProcessBuilder.Redirect.appendTo(
            dir.resolve("serve.err").toFile()));
    pb.environment().put("HANGAR_TOKEN", HostTesting.HOST_TOKEN);
    return pb.start();
  }

  /** The token the child host takes, as $HANGAR_TOKEN holds it (for CLI clients). */
  public static String tokenText() {
    return HostTesting.HOST_TOKEN;
  }

  /** The token the child host takes. */
  public static BearerToken token() {
    return HostTesting.TOKEN;
  }

  /** A check run while the Deploy is held, before the kill. */
  interface Check {
    void run() throws Exception;
  }

  /**
   * Sends {@code request} as a Deploy to a child host started in {@code dir}, waits (up to
   * {@code within}) until {@code held} counts down (the test holds the Deploy there), runs
   * {@code whileHeld}, kills the child with SIGKILL (no graceful shutdown, no rollback) and
   * checks that the caller's call ended UNAVAILABLE.
   */
  static void killDuringDeploy(Path dir, ObjectNode ctx, String request, CountDownLatch held,
      Duration within, Check whileHeld, ExecutorService threads) throws Exception {
    Process serve = start(dir);
    try {
      try (HostClient client = HostClient.connect(servingOn(serve), HostTesting.TOKEN,
          ClientTls.PLAINTEXT)) {
        CompletableFuture<Status> inFlight = CompletableFuture.supplyAsync(() -> {
          try {
            client.call(Command.DEPLOY, ctx, request, Duration.ofSeconds(120));
            return Status.OK;
          } catch (StatusRuntimeException e) {
            return e.getStatus();
          }
        }, threads);
        assertThat(held.await(within.toSeconds(), TimeUnit.SECONDS))
            .as("the Deploy reached the step the test holds it at").isTrue();
        whileHeld.run();
        serve.destroyForcibly();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);
      }
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Reads the "serving on 127.0.0.1:PORT" line the host prints once it listens (60 s bound). */
  public static HostPort servingOn(Process serve) throws Exception {
    Integer port = servingPort(serve, Duration.ofSeconds(60));
    assertThat(port).as("the host's first line says where it serves (see serve.err)")
        .isNotNull();
    return new HostPort("127.0.0.1", port);
  }

  /**
   * The port of the "serving on 127.0.0.1:PORT" line the host prints once it listens, or null
   * when it ended or printed something else first (a port not free again yet, say).
   */
  public static Integer servingPort(Process serve, Duration within) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
        StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(within.toMillis(), TimeUnit.MILLISECONDS);
    Matcher m = SERVING.matcher(String.valueOf(first));
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }
}
