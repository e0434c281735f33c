package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.cli.Main;
import dev.hangar.driver.Command;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.testing.ChildJvm;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Samples;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hangar serve} as its own process with {@code --metrics-listen} and
 * {@code --health-listen}: the lines it prints, a scrape after a good and a failing command,
 * the health listener without token; and without the flags, no port but the gRPC one.
 */
class ServeMetricsTest {
  private static final Pattern SERVING = Pattern.compile("^serving on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern HEALTH = Pattern.compile(
      "^health on 127\\.0\\.0\\.1:(\\d+) \\(grpc\\.health\\.v1 only, no token, plaintext\\)$");
  private static final Pattern METRICS = Pattern.compile(
      "^metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics$");

  @Test
  void servesMetricsAndTokenFreeHealthOnTheirOwnPorts(@TempDir Path dir) throws Exception {
    Process serve = start(dir, "--metrics-listen", "127.0.0.1:0", "--health-listen",
        "127.0.0.1:0");
    try {
      List<String> lines = readLines(serve, 3);
      int grpcPort = port(SERVING, lines.get(0));
      int healthPort = port(HEALTH, lines.get(1));
      int metricsPort = port(METRICS, lines.get(2));
      assertThat(listeningPorts(serve.pid())).containsExactlyInAnyOrder(grpcPort, healthPort,
          metricsPort);

      try (HostClient client = HostClient.connect(new HostPort("127.0.0.1", grpcPort),
          HostTesting.TOKEN, ClientTls.PLAINTEXT)) {
        var ctx = HostTesting.resourceContext(Contexts.kvmAttributes());
        // An unknown action is a per-action error inside an OK answer.
        assertThat(client.call(Command.DEPLOY, ctx, Contexts.request(
            "{\"type\":\"bogus\",\"actionId\":\"b-1\"}"), null)).contains("\"success\":false");
        Status notJson = HostInProcessTest.status(
            () -> client.call(Command.DEPLOY, ctx, "{not json", null));
        assertThat(notJson.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
      Scrape s = Scrape.of(new HostPort("127.0.0.1", metricsPort));
      assertThat(s.value("hangar_commands_total", "command", "Deploy", "outcome", "OK"))
          .isEqualTo(1.0);
      assertThat(s.value("hangar_commands_total", "command", "Deploy", "outcome",
          "INVALID_ARGUMENT")).isEqualTo(1.0);
      assertThat(s.value("hangar_command_seconds_count", "command", "Deploy")).isEqualTo(2.0);
      assertThat(s.value("hangar_commands_in_flight")).isEqualTo(0.0);
      assertThat(s.value("hangar_commands_max_running")).isEqualTo(64.0);
      assertThat(s.all("process_uptime_seconds")).hasSize(1);
      assertThat(s.text()).doesNotContain(HostTesting.HOST_TOKEN).doesNotContain(Contexts.TOKEN)
          .doesNotContain("res-1").doesNotContain("b-1");

      // The health listener answers without token; the main port still wants it.
      ManagedChannel health = Grpc.newChannelBuilder("127.0.0.1:" + healthPort,
          InsecureChannelCredentials.create()).build();
      ManagedChannel main = Grpc.newChannelBuilder("127.0.0.1:" + grpcPort,
          InsecureChannelCredentials.create()).build();
      try {
        var stub = HealthGrpc.newBlockingStub(health).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThat(stub.check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
        assertThat(stub.check(HealthCheckRequest.newBuilder()
            .setService(CloudProviderGrpc.SERVICE_NAME).build()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
        Status noToken = HostInProcessTest.status(() -> HealthGrpc.newBlockingStub(main)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()));
        assertThat(noToken.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        // Only the health service is on the health port.
        try {
          CloudProviderGrpc.newBlockingStub(health).withDeadlineAfter(30, TimeUnit.SECONDS)
              .getInventory(dev.hangar.proto.v1.AutoLoadCommandRequest.getDefaultInstance());
          throw new AssertionError("the health port served a command");
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        }
      } finally {
        health.shutdownNow();
        main.shutdownNow();
      }
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The periodic reaper's backend calls are the host's: counted like the commands' own. */
  @Test
  void thePeriodicReapersBackendCallsAreCounted(@TempDir Path dir) throws Exception {
    Process serve = start(dir, "--metrics-listen", "127.0.0.1:0", "--reap-every", "1h",
        "--reap-context", Samples.home().resolve("samples/contexts/kvm-provider.json")
            .toString());
    try {
      List<String> lines = readLines(serve, 2);
      int metricsPort = port(METRICS, lines.get(1));
      // The first run starts at once, on its own thread: wait for it, whatever its outcome.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      double reaps = 0;
      while (reaps == 0 && System.nanoTime() < deadline) {
        reaps = Scrape.of(new HostPort("127.0.0.1", metricsPort))
            .all("hangar_backend_calls_total").stream()
            .filter(c -> c.labels().get("operation").equals("reap"))
            .peek(c -> assertThat(c.labels()).containsEntry("backend", "KVM"))
            .mapToDouble(Scrape.Sample::value).sum();
        if (reaps == 0) {
          Thread.sleep(200);
        }
      }
      assertThat(reaps).as("reap calls counted").isEqualTo(1.0);
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutTheFlagsNoPortButTheGrpcOne(@TempDir Path dir) throws Exception {
    Process serve = start(dir);
    try {
      int grpcPort = port(SERVING, readLines(serve, 1).get(0));
      assertThat(listeningPorts(serve.pid())).containsExactly(grpcPort);
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPortAlreadyTakenStopsTheHostWithAClearError(@TempDir Path dir) throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Process serve = start(dir, "--metrics-listen", "127.0.0.1:" + taken.getLocalPort());
      try {
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).isEqualTo(Main.RAISED);
        assertThat(Files.readString(dir.resolve("serve.err"), StandardCharsets.UTF_8))
            .contains("hangar serve: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort());
      } finally {
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(Path dir, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0"));
    args.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(
        "-Dhangar.home=" + Samples.home(), "-DHANGAR_LOG_LEVEL=WARN"), Main.class,
        args.toArray(String[]::new))).redirectError(dir.resolve("serve.err").toFile());
    pb.environment().put("HANGAR_TOKEN", HostTesting.HOST_TOKEN);
    return pb.start();
  }

  private static List<String> readLines(Process serve, int n) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
        StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      List<String> lines = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          lines.add(out.readLine());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return lines;
    }).get(60, TimeUnit.SECONDS);
  }

  private static int port(Pattern p, String line) {
    Matcher m = p.matcher(String.valueOf(line));
    assertThat(m.find()).as(line).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The TCP ports process {@code pid} listens on: its socket fds matched to LISTEN rows. */
  static Set<Integer> listeningPorts(long pid) throws IOException {
    Set<String> inodes = new TreeSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // An fd closed while listing.
        }
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path t = Path.of(table);
      if (!Files.exists(t)) {
        continue;
      }
      for (String row : Files.readAllLines(t).subList(1, Files.readAllLines(t).size())) {
        String[] f = row.trim().split("\\s+");
        // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is the tenth field.
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
