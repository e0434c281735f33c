package dev.hangar.host;

import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.CommandDispatcher;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.metrics.HostMetrics;
import dev.hangar.proto.v1.CloudProviderGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC sandbox host: the CloudProvider service over Netty, with the bearer token checked on
 * every call, the standard health service and server reflection. It keeps no sandbox state (the
 * driver keeps it in the cloud), so any number of hosts can serve one sandbox.
 *
 * <p>Shutdown is graceful: health turns NOT_SERVING, new calls are refused (UNAVAILABLE), the
 * commands in flight get the grace period to finish; those still running then are cancelled, which
 * rolls them back, and get {@link #ROLLBACK_BOUND} to do it.
 */
public final class SandboxHost implements AutoCloseable {
  /** How long cancelled commands get to roll back after the grace period. */
  static final Duration ROLLBACK_BOUND = Duration.ofSeconds(30);
  /** How long idle connections and health watchers get to go once the commands have ended. */
  private static final Duration TERMINATION_BOUND = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger("dev.hangar.host");
  /** The largest message the host reads: 4 MiB (gRPC's default, stated in the contract). */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final Server server;
  private final CommandCalls calls;
  private final HealthStatusManager health;
  private final CallbackChannels callbacks;
  private final HostConfig config;
  private final HostPort address;
  private boolean stopped;
  /** The token-free health listener, when {@link #serveHealth} started one. */
  private Server healthServer;

  private SandboxHost(Server server, CommandCalls calls, HealthStatusManager health,
      CallbackChannels callbacks, HostConfig config) {
    this.server = server;
    this.calls = calls;
    this.health = health;
    this.callbacks = callbacks;
    this.config = config;
    this.address = bound(server, config.listen());
  }

  /**
   * Starts serving on {@code config.listen()} over Netty (port 0: any free port).
   *
   * @throws IOException when it cannot listen or read the TLS files
   * @throws IllegalArgumentException when the TLS files hold no usable certificate or key
   */
  public static SandboxHost start(HostConfig config, BackendRegistry backends)
      throws IOException {
    return start(config, backends, HostMetrics.none());
  }

  /**
   * {@link #start(HostConfig, BackendRegistry)} counting commands, callbacks and backend calls
   * in {@code metrics} (the caller serves and closes them).
   */
  public static SandboxHost start(HostConfig config, BackendRegistry backends,
      HostMetrics metrics) throws IOException {
    ServerCredentials credentials = config.tls() == null ? InsecureServerCredentials.create()
        : config.tls().credentials();
    NettyServerBuilder b;
    try {
      b = NettyServerBuilder.forAddress(
          new InetSocketAddress(config.listen().host(), config.listen().port()), credentials);
    } catch (IllegalArgumentException e) {
      // Netty parses the PEM files here.
      throw new IllegalArgumentException("cannot use TLS certificate " + config.tls().certChain()
          + " with key " + config.tls().privateKey() + " (PEM; the key unencrypted PKCS#8,"
          + " BEGIN PRIVATE KEY): " + e.getMessage(), e);
    }
    // The limit is stated in the contract (cloud_provider.proto): a larger request can never
    // succeed, and grpc-java answers it RESOURCE_EXHAUSTED before any of our code runs.
    b.maxInboundMessageSize(MAX_MESSAGE_BYTES);
    // Orchestrators keep connections open between sandboxes; let their keepalives through.
    b.permitKeepAliveTime(20, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
    return start(b, config, backends, metrics);
  }

  /** Starts serving on any transport (the tests' in-process one, for instance). */
  public static SandboxHost start(ServerBuilder<?> builder, HostConfig config,
      BackendRegistry backends) throws IOException {
    return start(builder, config, backends, HostMetrics.none());
  }

  /** Starts serving on any transport, counting in {@code metrics}. */
  public static SandboxHost start(ServerBuilder<?> builder, HostConfig config,
      BackendRegistry backends, HostMetrics metrics) throws IOException {
    CallbackChannels callbacks = new CallbackChannels(config.callbackTimeout());
    // The metrics wrap the driver's seams (backend SPI, orchestrator API): the driver and the
    // backends know nothing of them.
    OrchestratorApi.Factory apis = metrics.meter(CommandCalls.apis(callbacks));
    BackendRegistry metered = metrics.meter(backends);
    CommandCalls calls = new CommandCalls(
        new CommandDispatcher(new CloudProviderDriver(metered, apis)),
        new CommandPlanning(metered, apis), config.maxCommands(), config.maxQueued(), metrics);
    HealthStatusManager health = new HealthStatusManager();
    BearerTokenInterceptor auth = new BearerTokenInterceptor(config::token);
    Server server = builder
        // Handlers only hand calls to the command pool: no need for another thread hop.
        .directExecutor()
        .intercept(auth)
        .fallbackHandlerRegistry(new UnknownMethods(auth))
        .addService(new CloudProviderService(calls, config.callbackTimeout()))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        // v1alpha too: Python's grpcio-reflection client and older grpcurl speak only it.
        .addService(legacyReflection())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      callbacks.close();
      calls.stopAccepting();
      throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    health.setStatus(CloudProviderGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return new SandboxHost(server, calls, health, callbacks, config);
  }

  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  /** The address it listens on (with the port it got when asked for port 0). */
  public HostPort address() {
    return address;
  }

  private static HostPort bound(Server server, HostPort asked) {
    for (SocketAddress a : server.getListenSockets()) {
      if (a instanceof InetSocketAddress i) {
        return new HostPort(asked.host(), i.getPort());
      }
    }
    return asked;
  }

  /**
   * Also serves the standard health service alone, without the bearer token and in plaintext,
   * on {@code listen}: for probes that cannot send metadata (Kubernetes' own gRPC probe). It
   * tells only SERVING or NOT_SERVING, the same status as the health service of the main port
   * (NOT_SERVING from the start of a shutdown), and stops after the main port.
   *
   * @return where it listens (the port it got when asked for port 0)
   * @throws IOException when it cannot listen there
   */
  public synchronized HostPort serveHealth(HostPort listen) throws IOException {
    if (healthServer != null || stopped) {
      throw new IllegalStateException("the health listener runs already, or the host stopped");
    }
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()),
            InsecureServerCredentials.create())
        .directExecutor()
        .addService(health.getHealthService())
        .build();
    try {
      s.start();
    } catch (IOException e) {
      throw new IOException("cannot serve health on " + listen + ": " + e.getMessage(), e);
    }
    healthServer = s;
    return bound(s, listen);
  }

  public HostConfig config() {
    return config;
  }

  /** Commands running now. */
  public int running() {
    return calls.running();
  }

  /**
   * Stops gracefully within {@code grace} (see the class comment). Returns true when every
   * command ended by itself within the grace period.
   */
  public synchronized boolean shutdown(Duration grace) {
    if (stopped) {
      return true;
    }
    stopped = true;
    health.enterTerminalState();
    server.shutdown();
    calls.stopAccepting();
    int running = calls.running();
    if (running > 0) {
      log.info("shutting down: refusing new calls, giving {} running commands up to {} s",
          running, grace.toSeconds());
    }
    boolean clean = true;
    try {
      if (!calls.awaitIdle(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        clean = false;
        log.warn("{} commands still running after the {} s grace period: cancelling them (they"
            + " roll back)", calls.running(), grace.toSeconds());
        server.shutdownNow();
        if (!calls.awaitIdle(ROLLBACK_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("{} commands did not end within {} s of their cancellation", calls.running(),
              ROLLBACK_BOUND.toSeconds());
        }
      }
      // Answers already given may still be on their way: let the calls end before closing.
      if (!server.awaitTermination(TERMINATION_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      clean = false;
    } finally {
      callbacks.close();
      if (healthServer != null) {
        healthServer.shutdownNow();
      }
    }
    log.info("stopped serving on {}", address);
    return clean;
  }

  /** Blocks until the host has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** {@link #shutdown} with the configured grace period. */
  @Override
  public void close() {
    shutdown(config.grace());
  }
}
