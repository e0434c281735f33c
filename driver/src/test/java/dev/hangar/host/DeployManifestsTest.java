package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hangar.cli.Main;
import dev.hangar.host.metrics.MetricsServer;
import dev.hangar.proto.v1.CloudProviderGrpc;
import dev.hangar.testing.ChildJvm;
import dev.hangar.testing.Samples;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/Containerfile and deploy/k8s/ against what {@code hangar serve} accepts: no Docker or
 * kubectl here, so the manifests are read as data and checked for agreement (flags, ports,
 * probe, paths, selectors, secrets), and the image's own command line is run as a process.
 */
class DeployManifestsTest {
  private static final Path HOME = Samples.home();
  private static final Path K8S = HOME.resolve("deploy/k8s");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** ENTRYPOINT and CMD of the Containerfile, as exec-form JSON arrays. */
  private static List<String> instruction(String containerfile, String name) throws IOException {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\[.*])$").matcher(containerfile);
    assertThat(m.find()).as(name + " in exec form").isTrue();
    List<String> out = new ArrayList<>();
    JSON.readTree(m.group(1)).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String containerfile() throws IOException {
    return Files.readString(HOME.resolve("deploy/Containerfile"));
  }

  private static JsonNode yaml(String file) throws IOException {
    return YAML.readTree(K8S.resolve(file).toFile());
  }

  /** The value following {@code flag} in {@code args}. */
  private static String flag(List<String> args, String flag) {
    int i = args.indexOf(flag);
    assertThat(i).as(flag + " in " + args).isNotNegative();
    return args.get(i + 1);
  }

  private static int portOf(String hostPort) {
    return HostPort.parse(hostPort).port();
  }

  @Test
  void theImageBuildsTheShadedJarAndRunsItAsANonRootUser() throws IOException {
    String cf = containerfile();
    List<String> entry = instruction(cf, "ENTRYPOINT");
    assertThat(entry.get(0)).isEqualTo("java");
    assertThat(entry.subList(entry.size() - 2, entry.size()))
        .containsExactly("-jar", "/opt/hangar/hangar.jar");
    assertThat(cf).contains("RUN mvn -B -ntp -DskipTests package -pl driver -am")
        .contains("COPY --from=build /src/driver/target/hangar.jar /opt/hangar/hangar.jar")
        .contains("openjdk-17-jre-headless").contains("libvirt0");
    // The shaded jar's entry point is the CLI's.
    assertThat(Files.readString(HOME.resolve("driver/pom.xml")))
        .contains("<mainClass>" + Main.class.getName() + "</mainClass>");
    Matcher user = Pattern.compile("(?m)^USER (\\d+)$").matcher(cf);
    assertThat(user.find()).isTrue();
    assertThat(Integer.parseInt(user.group(1))).isPositive();
    assertThat(cf).contains("--uid " + user.group(1));

    List<String> cmd = instruction(cf, "CMD");
    assertThat(cmd.get(0)).isEqualTo("serve");
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.*)$").matcher(cf);
    assertThat(expose.find()).isTrue();
    assertThat(List.of(expose.group(1).trim().split("\\s+"))).containsExactlyInAnyOrder(
        String.valueOf(portOf(flag(cmd, "--listen"))),
        String.valueOf(portOf(flag(cmd, "--health-listen"))),
        String.valueOf(portOf(flag(cmd, "--metrics-listen"))));
  }

  @Test
  void theManifestsAgreeWithTheImageAndWithEachOther() throws IOException {
    String cf = containerfile();
    List<String> cmd = instruction(cf, "CMD");
    JsonNode deployment = yaml("deployment.yaml");
    JsonNode pod = deployment.at("/spec/template");
    JsonNode container = pod.at("/spec/containers/0");
    List<String> args = new ArrayList<>();
    container.get("args").forEach(a -> args.add(a.asText()));
    assertThat(args).as("the pod runs the image's own command line").isEqualTo(cmd);

    Map<String, Integer> ports = new HashMap<>();
    container.get("ports").forEach(p -> ports.put(p.get("name").asText(),
        p.get("containerPort").asInt()));
    assertThat(ports).containsEntry("grpc", portOf(flag(args, "--listen")))
        .containsEntry("health", portOf(flag(args, "--health-listen")))
        .containsEntry("metrics", portOf(flag(args, "--metrics-listen")));

    int health = ports.get("health");
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/grpc/port").asInt()).as(probe).isEqualTo(health);
    }
    assertThat(container.at("/readinessProbe/grpc/service").asText())
        .isEqualTo(CloudProviderGrpc.SERVICE_NAME);
    // Liveness must outlast the drain, in which health is NOT_SERVING.
    JsonNode live = container.get("livenessProbe");
    assertThat(live.get("periodSeconds").asInt() * live.get("failureThreshold").asInt())
        .isGreaterThan(Integer.parseInt(flag(args, "--grace")));
    assertThat(pod.at("/spec/terminationGracePeriodSeconds").asInt())
        .isGreaterThan(Integer.parseInt(flag(args, "--grace")) + 30);

    JsonNode annotations = pod.at("/metadata/annotations");
    assertThat(annotations.get("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.get("prometheus.io/port").asInt()).isEqualTo(ports.get("metrics"));
    assertThat(annotations.get("prometheus.io/path").asText()).isEqualTo(MetricsServer.PATH);

    // The token and TLS files come from the Secrets, under the keys a tls Secret has.
    Map<String, String> mounts = new HashMap<>();
    container.get("volumeMounts").forEach(m -> mounts.put(m.get("name").asText(),
        m.get("mountPath").asText()));
    Map<String, String> secrets = new HashMap<>();
    pod.at("/spec/volumes").forEach(v -> {
      if (v.has("secret")) {
        secrets.put(v.at("/secret/secretName").asText(), v.get("name").asText());
      }
    });
    assertThat(flag(args, "--token-file")).isEqualTo(mounts.get(secrets.get("hangar-token"))
        + "/token");
    assertThat(flag(args, "--tls-cert")).isEqualTo(mounts.get(secrets.get("hangar-tls"))
        + "/tls.crt");
    assertThat(flag(args, "--tls-key")).isEqualTo(mounts.get(secrets.get("hangar-tls"))
        + "/tls.key");
    List<JsonNode> examples = YAML.readValues(YAML.createParser(
        K8S.resolve("secrets.example.yaml").toFile()), JsonNode.class).readAll();
    assertThat(examples).extracting(e -> e.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("hangar-token", "hangar-tls");
    assertThat(examples.get(0).at("/stringData").has("token")).isTrue();
    assertThat(examples.get(1).at("/type").asText()).isEqualTo("kubernetes.io/tls");

    Matcher user = Pattern.compile("(?m)^USER (\\d+)$").matcher(cf);
    assertThat(user.find()).isTrue();
    assertThat(pod.at("/spec/securityContext/runAsUser").asText()).isEqualTo(user.group(1));
    assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
    assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();

    JsonNode labels = pod.at("/metadata/labels");
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
    JsonNode service = yaml("service.yaml");
    assertThat(service.at("/spec/clusterIP").asText()).as("headless").isEqualTo("None");
    assertThat(service.at("/spec/selector")).isEqualTo(labels);
    service.at("/spec/ports").forEach(p -> assertThat(ports)
        .containsEntry(p.get("targetPort").asText(), p.get("port").asInt()));
    assertThat(yaml("pdb.yaml").at("/spec/selector/matchLabels")).isEqualTo(labels);
    JsonNode monitor = yaml("servicemonitor.yaml");
    assertThat(monitor.at("/spec/selector/matchLabels")).isEqualTo(service.at("/metadata/labels"));
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("metrics");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo(MetricsServer.PATH);
    List<String> resources = new ArrayList<>();
    yaml("kustomization.yaml").get("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).containsExactlyInAnyOrder("deployment.yaml", "service.yaml",
        "pdb.yaml");
  }

  /**
   * The image's command line (its JVM flags, then CMD) run as a process, with only the
   * addresses (127.0.0.1, free ports: others test on this machine) and the Secret files (made
   * here) swapped: it serves TLS with the token, and the probe's health port and the metrics.
   */
  @Test
  void theImagesCommandLineServes(@TempDir Path dir) throws Exception {
    String cf = containerfile();
    List<String> entry = instruction(cf, "ENTRYPOINT");
    List<String> jvm = entry.subList(1, entry.indexOf("-jar"));
    TestCertificates certs = TestCertificates.make(dir);
    Path token = dir.resolve("token");
    Files.writeString(token, HostTesting.HOST_TOKEN + "\n");
    Map<String, String> swap = Map.of("/etc/hangar/token/token", token.toString(),
        "/etc/hangar/tls/tls.crt", certs.hostCert().toString(),
        "/etc/hangar/tls/tls.key", certs.hostKey().toString());
    List<String> args = new ArrayList<>();
    for (String a : instruction(cf, "CMD")) {
      args.add(a.startsWith("0.0.0.0:") ? "127.0.0.1:0" : swap.getOrDefault(a, a));
    }
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(jvm, Main.class,
        args.toArray(String[]::new))).redirectError(dir.resolve("serve.err").toFile());
    pb.environment().remove("HANGAR_TOKEN");
    Process serve = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
          StandardCharsets.UTF_8));
      List<String> lines = CompletableFuture.supplyAsync(() -> {
        List<String> l = new ArrayList<>();
        try {
          for (int i = 0; i < 3; i++) {
            l.add(out.readLine());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return l;
      }).get(60, TimeUnit.SECONDS);
      assertThat(lines.get(0)).as(Files.readString(dir.resolve("serve.err")))
          .startsWith("serving on 127.0.0.1:").contains("(TLS)");
      int grpc = Integer.parseInt(lines.get(0).replaceAll("^serving on 127\\.0\\.0\\.1:(\\d+) .*",
          "$1"));
      int health = Integer.parseInt(lines.get(1).replaceAll("^health on 127\\.0\\.0\\.1:(\\d+) .*",
          "$1"));
      HostPort metrics = HostPort.parse(lines.get(2).replaceAll("^metrics on http://(.*)/metrics$",
          "$1"));
      ManagedChannel probe = Grpc.newChannelBuilder("127.0.0.1:" + health,
          InsecureChannelCredentials.create()).build();
      ManagedChannel tls = Grpc.newChannelBuilder("127.0.0.1:" + grpc,
          TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile()).build()).build();
      try {
        // What the kubelet's readiness probe asks.
        assertThat(HealthGrpc.newBlockingStub(probe).withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService(CloudProviderGrpc.SERVICE_NAME)
                .build()).getStatus()).isEqualTo(ServingStatus.SERVING);
        // The main port: TLS and the token of the mounted file.
        assertThat(HealthGrpc.newBlockingStub(tls).withCallCredentials(
            HostTesting.TOKEN.credentials()).withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        probe.shutdownNow();
        tls.shutdownNow();
      }
      assertThat(Scrape.of(metrics).value("hangar_commands_max_running")).isEqualTo(64.0);
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
