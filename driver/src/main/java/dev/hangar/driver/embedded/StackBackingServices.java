package dev.hangar.driver.embedded;

import dev.hangar.driver.embedded.StackProcesses.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The backing services of {@link PrivateOpenStack}: a private PostgreSQL cluster (trust auth on
 * 127.0.0.1, no fsync: the data is thrown away) with one database per OpenStack service, and a
 * RabbitMQ node with its own epmd, both on the stack's ports and in its dir.
 */
final class StackBackingServices {
  static final String RABBIT = "/usr/lib/rabbitmq/bin/rabbitmq-server";

  private final Path dir;
  private final OpenStackConfigs.Ports ports;
  private final StackProcesses processes;

  StackBackingServices(Path dir, OpenStackConfigs.Ports ports, StackProcesses processes) {
    this.dir = dir;
    this.ports = ports;
    this.processes = processes;
  }

  /** The newest PostgreSQL's bin dir, or null when none is installed. */
  static Path pgBin() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve(
          "postgres"))).max(Path::compareTo).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  void startPostgres() throws IOException, InterruptedException {
    Path bin = pgBin();
    Path pg = dir.resolve("pg");
    LocalProcesses.run(new ProcessBuilder("chown", "postgres:", pg.toString()));
    processes.run("initdb", List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb")
        .toString(), "-D", pg.resolve("data").toString(), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--no-sync"), Duration.ofSeconds(120));
    Service postgres = processes.launch(new Service("postgres", List.of("runuser", "-u",
        "postgres", "--", bin.resolve("postgres").toString(), "-D", pg.resolve("data")
        .toString(), "-k", pg.toString(), "-h", OpenStackConfigs.HOST, "-p", Integer.toString(ports.postgres()),
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
        "max_connections=400"), Map.of()));
    processes.awaitListening(postgres, ports.postgres());
    // listening is not ready: until recovery ends it refuses logins ("starting up")
    long ready = System.nanoTime() + StackProcesses.READY.toNanos();
    while (true) {
      try {
        processes.run("pg_isready", List.of(bin.resolve("pg_isready").toString(), "-q", "-h",
            OpenStackConfigs.HOST, "-p", Integer.toString(ports.postgres())),
            Duration.ofSeconds(10));
        break;
      } catch (IOException e) {
        if (System.nanoTime() > ready || !postgres.process.isAlive()) {
          throw new IOException("PostgreSQL did not accept connections: " + e.getMessage(), e);
        }
        StackProcesses.sleep(200);
      }
    }
    for (String db : List.of("keystone", "glance", "placement", "neutron", "nova_api",
        "nova_cell0", "nova_cell1")) {
      processes.run("createdb", List.of(bin.resolve("psql").toString(), "-h", OpenStackConfigs.HOST,
          "-p", Integer.toString(ports.postgres()), "-U", "postgres", "-qc",
          "CREATE DATABASE " + db), Duration.ofSeconds(60));
    }
  }

  void startRabbit() throws IOException {
    Map<String, String> erl = Map.of("ERL_EPMD_ADDRESS", OpenStackConfigs.HOST,
        "ERL_EPMD_PORT", Integer.toString(ports.epmd()));
    Service epmd = processes.launch(new Service("epmd", List.of("/usr/bin/epmd", "-address",
        OpenStackConfigs.HOST, "-port", Integer.toString(ports.epmd())), erl));
    processes.awaitListening(epmd, ports.epmd());
    Map<String, String> env = new LinkedHashMap<>(erl);
    env.put("HOME", path("rabbit"));
    env.put("RABBITMQ_NODENAME", "hangar" + HexFormat.of().toHexDigits(
        ThreadLocalRandom.current().nextInt()) + "@localhost");
    env.put("RABBITMQ_MNESIA_BASE", path("rabbit/mnesia"));
    env.put("RABBITMQ_LOG_BASE", path("rabbit/log"));
    env.put("RABBITMQ_CONFIG_FILE", path("rabbit/rabbitmq.conf"));
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", path("rabbit/enabled_plugins"));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(ports.rabbitDist()));
    env.put("RABBITMQ_PID_FILE", path("rabbit/rabbit.pid"));
    processes.launch(new Service("rabbitmq", List.of(RABBIT), env));
  }

  private String path(String relative) {
    return dir.resolve(relative).toString();
  }
}
