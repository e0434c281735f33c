package dev.hangar.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostPort;
import dev.hangar.replay.HostTransport;
import io.grpc.StatusRuntimeException;
import dev.hangar.host.HostTargets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;

/** The options of {@code call}, {@code plan} and {@code replay} that run through a sandbox host. */
final class HostOptions {
  @CommandLine.Option(names = "--target", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Run through the sandbox host at HOST:PORT (`hangar serve`) instead of"
          + " in-process; several hosts as a comma-separated list or dns:///NAME:PORT (every"
          + " address of the name): calls go round-robin, and idempotent ones that fail"
          + " UNAVAILABLE are retried on the next host. The bearer token comes from"
          + " $HANGAR_TOKEN or --token-file.")
  String target;

  @CommandLine.Option(names = "--token-file", paramLabel = "FILE",
      description = "Read the host's bearer token from FILE instead of $HANGAR_TOKEN.")
  Path tokenFile;

  @CommandLine.Option(names = "--tls",
      description = "Reach the host over TLS, trusting the JVM's CAs (or --tls-ca).")
  boolean tls;

  @CommandLine.Option(names = "--tls-ca", paramLabel = "FILE",
      description = "TLS, trusting the CA certificate(s) in FILE (PEM).")
  Path tlsCa;

  @CommandLine.Option(names = "--tls-cert", paramLabel = "FILE",
      description = "TLS with this client certificate (PEM), for hosts that require one.")
  Path tlsCert;

  @CommandLine.Option(names = "--tls-key", paramLabel = "FILE",
      description = "The client certificate's key (PEM, unencrypted PKCS#8).")
  Path tlsKey;

  @CommandLine.Option(names = "--deadline", paramLabel = "SECONDS",
      description = "Each command's deadline; past it the command is cancelled (a Deploy"
          + " rolls back).")
  Long deadlineSeconds;

  @CommandLine.Option(names = "--callback-listen", paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:0",
      description = "Where to serve the orchestrator callbacks the host makes (default"
          + " ${DEFAULT-VALUE}: any free loopback port); each context's connectivity is pointed"
          + " there.")
  String callbackListen;

  boolean remote() {
    return target != null;
  }

  /** A usage problem of these options, or null. */
  String problem() {
    boolean tlsGiven = tls || tlsCa != null || tlsCert != null || tlsKey != null;
    if (!remote()) {
      return tlsGiven || tokenFile != null || deadlineSeconds != null
          ? "--token-file, --tls*, --deadline need --target HOST:PORT" : null;
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      return "a client certificate needs both --tls-cert and --tls-key";
    }
    if (deadlineSeconds != null && deadlineSeconds <= 0) {
      return "--deadline must be a positive number of seconds";
    }
    try {
      HostTargets.parse(target);
      HostPort.parse(callbackListen);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  HostClient connect(Map<String, String> env) throws IOException {
    boolean useTls = tls || tlsCa != null || tlsCert != null;
    return HostClient.connect(HostTargets.parse(target), Tokens.read(tokenFile, env),
        new ClientTls(useTls, tlsCa, tlsCert, tlsKey));
  }

  /** One call to the host: what it sends, with the context as the host will dial it back. */
  @FunctionalInterface
  interface Exchange {
    String run(HostClient client, ObjectNode context);
  }

  /**
   * Runs one call on the target host while serving the orchestrator callbacks it makes from
   * {@code api} (the context's connectivity is pointed there), and hands its answer to
   * {@code answer}. Returns the exit code: OK, RAISED when the host answered an error (printed as
   * {@code FAILED CODE: reason}) or could not be reached, USAGE for an unusable context or token.
   *
   * @param verb the CLI command, for messages ({@code call})
   * @param failed how a failure from the host starts ({@code "Deploy failed: "})
   */
  int run(String verb, String failed, String contextJson, OrchestratorApi api,
      Map<String, String> env, PrintWriter err, Exchange exchange, Consumer<String> answer) {
    if (!(WireCodec.standard().readTree(contextJson, "context") instanceof ObjectNode context)) {
      err.println("hangar " + verb + ": the context is not a JSON object");
      return Main.USAGE;
    }
    HostClient client;
    try {
      client = connect(env);
    } catch (IOException e) {
      err.println("hangar " + verb + ": " + e.getMessage());
      return Main.USAGE;
    }
    String response;
    try (client; CallbackServer callbacks = CallbackServer.start(callbackAddress(), api)) {
      callbacks.expose(context);
      response = exchange.run(client, context);
    } catch (IOException e) {
      err.println("hangar " + verb + ": " + e.getMessage());
      return Main.RAISED;
    } catch (IllegalArgumentException e) {
      err.println("hangar " + verb + ": context file: " + e.getMessage());
      return Main.USAGE;
    } catch (StatusRuntimeException e) {
      err.println("hangar " + verb + ": " + failed + HostTransport.describe(e.getStatus()));
      return Main.RAISED;
    }
    answer.accept(response);
    return Main.OK;
  }

  HostPort callbackAddress() {
    return HostPort.parse(callbackListen);
  }

  Duration deadline() {
    return deadlineSeconds == null ? null : Duration.ofSeconds(deadlineSeconds);
  }
}
