package dev.hangar.host;

import dev.hangar.datamodel.context.ConnectivityContext;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.OrchestratorApi;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connects commands to the orchestrator's callback service named by their context's connectivity
 * section. Channels are kept per address (a host usually serves one orchestrator, and a channel
 * per command would cost a connection per command); the least recently used is closed past
 * {@link #MAX_CHANNELS}. Nothing connects until a command actually calls back.
 */
public final class CallbackChannels implements OrchestratorApi.Factory, AutoCloseable {
  /** CloudShell's API port, used when the context names none. */
  static final String DEFAULT_PORT = "8029";
  private static final int MAX_CHANNELS = 16;

  private final Duration timeout;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  /** @param timeout the deadline of each callback */
  public CallbackChannels(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public OrchestratorApi connect(ConnectivityContext connectivity) {
    return new GrpcOrchestratorApi(connectivity, this, timeout);
  }

  /** The channel to the API a connectivity section names. */
  ManagedChannel channel(ConnectivityContext c) {
    if (c == null || c.serverAddress() == null || c.serverAddress().isBlank()) {
      throw new ClientException("the context has no connectivity.server_address, so the"
          + " orchestrator API cannot be called back");
    }
    String port = c.cloudshellApiPort() == null || c.cloudshellApiPort().isBlank()
        ? DEFAULT_PORT : c.cloudshellApiPort().strip();
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ClientException("connectivity.cloudshell_api_port '" + port + "' is not a port");
    }
    boolean tls = "https".equalsIgnoreCase(c.cloudshellApiScheme());
    String host = c.serverAddress().strip();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String target = new HostPort(host, Integer.parseInt(port)).toString();
    String key = (tls ? "https://" : "http://") + target;
    List<ManagedChannel> evicted = new ArrayList<>();
    ManagedChannel channel;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the host is shut down");
      }
      channel = channels.get(key);
      if (channel == null) {
        ChannelCredentials creds = tls ? TlsChannelCredentials.create()
            : InsecureChannelCredentials.create();
        channel = Grpc.newChannelBuilder(target, creds).build();
        channels.put(key, channel);
        while (channels.size() > MAX_CHANNELS) {
          var eldest = channels.entrySet().iterator();
          evicted.add(eldest.next().getValue());
          eldest.remove();
        }
      }
    }
    // shutdown() lets calls in flight on an evicted channel finish.
    evicted.forEach(ManagedChannel::shutdown);
    return channel;
  }

  @Override
  public void close() {
    List<ManagedChannel> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(channels.values());
      channels.clear();
    }
    all.forEach(ManagedChannel::shutdownNow);
  }
}
