package dev.hangar.host.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hangar.host.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (the Prometheus text format) over plain HTTP with the JDK's own
 * server, on one thread: a scrape takes milliseconds and comes every few seconds. It needs no
 * token, since the page carries no secret (see {@link HostMetrics}): bind it where only the
 * scraper reaches it.
 */
public final class MetricsServer implements AutoCloseable {
  /** The path Prometheus scrapes by default. */
  public static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger("dev.hangar.host");

  private final HttpServer server;
  private final ExecutorService executor;
  private final HostPort address;

  private MetricsServer(HttpServer server, ExecutorService executor, HostPort address) {
    this.server = server;
    this.executor = executor;
    this.address = address;
  }

  /**
   * Starts serving {@code metrics} on {@code listen} (port 0: any free port).
   *
   * @throws IOException when it cannot listen there
   * @throws IllegalArgumentException when the metrics are off
   */
  public static MetricsServer start(HostPort listen, HostMetrics metrics) throws IOException {
    if (!metrics.enabled()) {
      throw new IllegalArgumentException("metrics are off");
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
    } catch (IOException e) {
      throw new IOException("cannot serve metrics on " + listen + ": " + e.getMessage(), e);
    }
    server.createContext("/", exchange -> handle(exchange, metrics));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hangar-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor,
        new HostPort(listen.host(), server.getAddress().getPort()));
  }

  private static void handle(HttpExchange exchange, HostMetrics metrics) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, "text/plain; charset=utf-8", "not found: metrics are at " + PATH
            + "\n", true);
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", true);
      } else {
        reply(exchange, 200, CONTENT_TYPE, metrics.scrape(), method.equals("GET"));
      }
    } catch (RuntimeException e) {
      log.warn("serving metrics failed: {}", e.getClass().getSimpleName());
      throw e;
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body,
      boolean withBody) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, withBody ? bytes.length : -1);
    if (withBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Where it listens (with the port it got when asked for port 0). */
  public HostPort address() {
    return address;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
