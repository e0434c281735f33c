package dev.hangar.host;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's TLS: its certificate chain and private key (PEM; the key unencrypted PKCS#8,
 * {@code BEGIN PRIVATE KEY}), and optionally the CA whose certificates clients must present.
 */
public record ServerTls(Path certChain, Path privateKey, Path clientCa) {
  /** The credentials; a file that cannot be read or parsed is an IOException naming it. */
  public ServerCredentials credentials() throws IOException {
    readable(certChain, "certificate");
    readable(privateKey, "private key");
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
    try {
      b.keyManager(certChain.toFile(), privateKey.toFile());
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("cannot use certificate " + certChain + " with key " + privateKey
          + " (PEM, the key as unencrypted PKCS#8: openssl pkcs8 -topk8 -nocrypt): "
          + e.getMessage(), e);
    }
    if (clientCa != null) {
      readable(clientCa, "client CA");
      try {
        b.trustManager(clientCa.toFile());
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("cannot use client CA " + clientCa + ": " + e.getMessage(), e);
      }
      b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  static void readable(Path p, String what) throws IOException {
    if (!Files.isReadable(p)) {
      throw new IOException("cannot read the " + what + " file " + p);
    }
  }
}
