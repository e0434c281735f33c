package dev.hangar.host;

import java.time.Duration;

/**
 * How a sandbox host serves: where, with which bearer token and TLS, how many commands at once
 * ({@code maxCommands}) and waiting ({@code maxQueued}), how long a shutdown lets commands finish
 * ({@code grace}), and the deadline of each orchestrator callback.
 */
public record HostConfig(HostPort listen, BearerToken token, ServerTls tls, int maxCommands,
    int maxQueued, Duration grace, Duration callbackTimeout) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 50051);
  public static final int DEFAULT_MAX_COMMANDS = 64;
  public static final int DEFAULT_MAX_QUEUED = 256;
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CALLBACK_TIMEOUT = Duration.ofSeconds(30);

  public HostConfig {
    if (token == null) {
      throw new IllegalArgumentException("a host needs a bearer token");
    }
    if (maxCommands < 1 || maxQueued < 0) {
      throw new IllegalArgumentException("max commands must be at least 1 and max queued at"
          + " least 0");
    }
  }

  /** Plaintext on {@code listen} with the default bounds. */
  public static HostConfig of(HostPort listen, BearerToken token) {
    return new HostConfig(listen, token, null, DEFAULT_MAX_COMMANDS, DEFAULT_MAX_QUEUED,
        DEFAULT_GRACE, DEFAULT_CALLBACK_TIMEOUT);
  }

  public HostConfig withTls(ServerTls tls) {
    return new HostConfig(listen, token, tls, maxCommands, maxQueued, grace, callbackTimeout);
  }

  public HostConfig withLimits(int maxCommands, int maxQueued) {
    return new HostConfig(listen, token, tls, maxCommands, maxQueued, grace, callbackTimeout);
  }

  public HostConfig withGrace(Duration grace) {
    return new HostConfig(listen, token, tls, maxCommands, maxQueued, grace, callbackTimeout);
  }
}
