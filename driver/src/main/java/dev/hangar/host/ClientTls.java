package dev.hangar.host;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a client reaches a host: plaintext, or TLS trusting {@code ca} (the JVM's trusted CAs when
 * null), presenting {@code cert}/{@code key} when the host asks for a client certificate.
 */
public record ClientTls(boolean enabled, Path ca, Path cert, Path key) {
  public static final ClientTls PLAINTEXT = new ClientTls(false, null, null, null);

  public ChannelCredentials credentials() throws IOException {
    if (!enabled) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (ca != null) {
      ServerTls.readable(ca, "CA");
      try {
        b.trustManager(ca.toFile());
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("cannot use CA " + ca + ": " + e.getMessage(), e);
      }
    }
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IOException("a client certificate needs both --tls-cert and --tls-key");
      }
      ServerTls.readable(cert, "client certificate");
      ServerTls.readable(key, "client key");
      try {
        b.keyManager(cert.toFile(), key.toFile());
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("cannot use client certificate " + cert + " with key " + key
            + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }
}
