package dev.hangar.cli;

import dev.hangar.driver.PeriodicReaper;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.host.ServerTls;
import dev.hangar.host.metrics.HostMetrics;
import dev.hangar.host.metrics.MetricsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * {@code hangar serve}: the gRPC sandbox host, until SIGTERM or SIGINT, which stop it gracefully:
 * new calls are refused, the commands in flight get the grace period to finish.
 */
@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serves the commands over gRPC (hangar.v1.CloudProvider, with health and"
        + " reflection) until SIGTERM/SIGINT. Every call needs the bearer token of"
        + " $HANGAR_TOKEN (or --token-file). Prints 'serving on HOST:PORT ...' once it listens.")
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @CommandLine.Option(names = "--listen", paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:50051",
      description = "Where to listen (default ${DEFAULT-VALUE}; port 0: any free port).")
  String listen;

  @CommandLine.Option(names = "--token-file", paramLabel = "FILE",
      description = "Read the bearer token from FILE instead of $HANGAR_TOKEN.")
  Path tokenFile;

  @CommandLine.Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve TLS with this certificate chain (PEM).")
  Path tlsCert;

  @CommandLine.Option(names = "--tls-key", paramLabel = "FILE",
      description = "The certificate's private key (PEM, unencrypted PKCS#8).")
  Path tlsKey;

  @CommandLine.Option(names = "--tls-client-ca", paramLabel = "FILE",
      description = "Require client certificates signed by the CA(s) in FILE (PEM).")
  Path tlsClientCa;

  @CommandLine.Option(names = "--max-commands", paramLabel = "N", defaultValue = "64",
      description = "Commands run at once (default ${DEFAULT-VALUE}).")
  int maxCommands;

  @CommandLine.Option(names = "--max-queued", paramLabel = "N", defaultValue = "256",
      description = "Commands that wait beyond those (default ${DEFAULT-VALUE}); past that,"
          + " calls get RESOURCE_EXHAUSTED.")
  int maxQueued;

  @CommandLine.Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM, how long the commands in flight get to finish (default"
          + " ${DEFAULT-VALUE}); those still running then are cancelled and roll back.")
  long graceSeconds;

  @CommandLine.Option(names = "--embedded",
      description = "Also run the embedded default for as long as the host runs: libvirt's"
          + " test:///default (with the demo's template volume) and a private ovsdb-server"
          + " with bridge br-int; prints the context values to use ('embedded: NAME=VALUE"
          + " ...', the samples' placeholders), so separate calls build on each other.")
  boolean embedded;

  @CommandLine.Option(names = "--reap-every", paramLabel = "DURATION",
      description = "Also reap expired sandboxes (as hangar reap does) of the provider of"
          + " --reap-context: at start, then this long after each run ends (30s, 15m, 1h or"
          + " ISO-8601 PT15M). Each report line goes to stderr prefixed 'reap: '.")
  String reapEvery;

  @CommandLine.Option(names = "--reap-context", paramLabel = "CTX.json",
      description = "The context naming the cloud provider resource to reap (with"
          + " --reap-every); its password attributes are used as given.")
  String reapContext;

  @CommandLine.Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
      description = "Also serve Prometheus metrics at http://HOST:PORT/metrics (plain HTTP, no"
          + " token; off by default).")
  String metricsListen;

  @CommandLine.Option(names = "--health-listen", paramLabel = "HOST:PORT",
      description = "Also serve the gRPC health service alone, without token, in plaintext, on"
          + " HOST:PORT: for probes that cannot send the token (off by default).")
  String healthListen;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!embedded) {
      return serve(out, err, null, BackendRegistry.loadInstalled(), () -> { });
    }
    EmbeddedDefault parts = EmbeddedDefault.start();
    // Stopped by the shutdown hook after the host, since SIGTERM ends the JVM from there.
    try {
      return serve(out, err, String.format("embedded: hypervisors=%s ovsdbRemote=%s"
          + " ovsBridge=%s storagePool=%s template=%s (ovsdb-server pid %d; all stop with"
          + " the host; a provider on %s with an empty OVSDB Remote uses this one)",
          EmbeddedHypervisor.URI, parts.ovsdbRemote(), EmbeddedDefault.BRIDGE,
          EmbeddedHypervisor.POOL, EmbeddedDefault.TEMPLATE, parts.ovsdbPid(),
          EmbeddedHypervisor.URI), parts.registry(), parts);
    } finally {
      parts.close();
    }
  }

  private Integer serve(PrintWriter out, PrintWriter err, String embeddedLine,
      BackendRegistry backends, AutoCloseable embeddedParts) throws Exception {
    HostConfig config;
    Duration reapPeriod;
    String reapContextJson;
    HostPort metricsAt;
    HostPort healthAt;
    try {
      metricsAt = metricsListen == null ? null : HostPort.parse(metricsListen);
      healthAt = healthListen == null ? null : HostPort.parse(healthListen);
      config = config();
      reapPeriod = reapPeriod();
      reapContextJson = reapPeriod == null ? null : Inputs.substitute(
          Inputs.readJson(reapContext, "context"), Map.of(), "context");
    } catch (IllegalArgumentException | IOException e) {
      backends.close();
      err.println("hangar serve: " + e.getMessage());
      return Main.USAGE;
    }
    HostMetrics metrics = metricsAt == null ? HostMetrics.none() : HostMetrics.prometheus();
    SandboxHost host;
    MetricsServer metricsServer = null;
    try {
      host = SandboxHost.start(config, backends, metrics);
    } catch (IllegalArgumentException e) {
      backends.close();
      err.println("hangar serve: " + e.getMessage());
      return Main.USAGE;
    } catch (IOException e) {
      backends.close();
      err.println("hangar serve: " + e.getMessage());
      return Main.RAISED;
    }
    String extraLines = "";
    try {
      if (healthAt != null) {
        extraLines += "health on " + host.serveHealth(healthAt) + " (grpc.health.v1 only, no"
            + " token, plaintext)" + System.lineSeparator();
      }
      if (metricsAt != null) {
        metricsServer = MetricsServer.start(metricsAt, metrics);
        extraLines += "metrics on http://" + metricsServer.address() + MetricsServer.PATH
            + System.lineSeparator();
      }
    } catch (IOException e) {
      host.shutdown(Duration.ZERO);
      backends.close();
      err.println("hangar serve: " + e.getMessage());
      return Main.RAISED;
    }
    MetricsServer scraped = metricsServer;
    Duration grace = config.grace();
    // Metered as the commands' backend calls are: the reaper's calls are the host's too.
    PeriodicReaper reaper = reapPeriod == null ? null : PeriodicReaper.start(
        new SandboxReaping(metrics.meter(backends), c -> RecordingOrchestratorApi.silent()),
        reapContextJson, reapPeriod, Clock.systemUTC(), line -> {
          err.println("reap: " + line);
          err.flush();
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (reaper != null) {
        reaper.close();
      }
      host.shutdown(grace);
      // After the host: the drain is visible in the metrics until the end.
      if (scraped != null) {
        scraped.close();
      }
      metrics.close();
      backends.close();
      try {
        embeddedParts.close();
      } catch (Exception e) {
        System.err.println("hangar serve: stopping the embedded default: " + e.getMessage());
      }
    }, "hangar-shutdown"));
    if (config.tls() == null && !isLoopback(config.listen().host())) {
      err.println("hangar serve: warning: plaintext on " + config.listen().host() + ": the bearer"
          + " token crosses the network in clear; serve TLS with --tls-cert and --tls-key");
    }
    out.printf("serving on %s (%s), backends: %s, up to %d commands at once and %d waiting%n",
        host.address(), config.tls() == null ? "plaintext"
            : config.tls().clientCa() == null ? "TLS" : "TLS, client certificates required",
        backends.providers().isEmpty() ? "none" : backends.providers().stream()
            .map(BackendProvider::cloudType).collect(Collectors.joining(", ")),
        config.maxCommands(), config.maxQueued());
    if (embeddedLine != null) {
      out.println(embeddedLine);
    }
    out.print(extraLines);
    out.flush();
    host.awaitTermination();
    return Main.OK;
  }

  private HostConfig config() throws IOException {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
    }
    if (tlsClientCa != null && tlsCert == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
    }
    if (graceSeconds < 0) {
      throw new IllegalArgumentException("--grace cannot be negative");
    }
    BearerToken token = Tokens.read(tokenFile, main.env());
    ServerTls tls = tlsCert == null ? null : new ServerTls(tlsCert, tlsKey, tlsClientCa);
    if (tls != null) {
      tls.credentials(); // an unreadable file is bad input (exit 2), as for the token file
    }
    return HostConfig.of(HostPort.parse(listen), token)
        .withTls(tls)
        .withLimits(maxCommands, maxQueued)
        .withGrace(Duration.ofSeconds(graceSeconds));
  }

  /** --reap-every as a duration, or null without it. */
  private Duration reapPeriod() {
    if (reapEvery == null) {
      if (reapContext != null) {
        throw new IllegalArgumentException("--reap-context needs --reap-every");
      }
      return null;
    }
    if (reapContext == null) {
      throw new IllegalArgumentException("--reap-every needs --reap-context CTX.json");
    }
    Duration d = parseDuration(reapEvery.strip());
    if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--reap-every must be a duration of at least 1s, like"
          + " 30s, 15m, 1h or PT15M (got '" + reapEvery + "')");
    }
    return d;
  }

  static Duration parseDuration(String text) {
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      if (text.length() < 2) {
        return null;
      }
      long n = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
