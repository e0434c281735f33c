package dev.hangar.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the openssl command (no key is ever committed): a CA, a
 * host certificate it signed for 127.0.0.1 and localhost, a client certificate it signed, and a
 * self-signed client certificate no one trusts. Keys are EC P-256 in PKCS#8 PEM.
 */
record TestCertificates(Path ca, Path hostCert, Path hostKey, Path clientCert, Path clientKey,
    Path strangerCert, Path strangerKey) {

  static TestCertificates make(Path dir) throws IOException {
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2",
        "-subj", "/CN=hangar test CA");
    Path hostKey = dir.resolve("host.key");
    Path hostCert = dir.resolve("host.pem");
    signed(dir, "host", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        + "extendedKeyUsage=serverAuth\n", ca, caKey, hostKey, hostCert);
    Path clientKey = dir.resolve("client.key");
    Path clientCert = dir.resolve("client.pem");
    signed(dir, "orchestrator", "extendedKeyUsage=clientAuth\n", ca, caKey, clientKey,
        clientCert);
    Path strangerKey = dir.resolve("stranger.key");
    Path strangerCert = dir.resolve("stranger.pem");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", strangerKey.toString(), "-out", strangerCert.toString(), "-days",
        "2", "-subj", "/CN=stranger");
    return new TestCertificates(ca, hostCert, hostKey, clientCert, clientKey, strangerCert,
        strangerKey);
  }

  private static void signed(Path dir, String cn, String extensions, Path ca, Path caKey,
      Path key, Path cert) throws IOException {
    Path csr = dir.resolve(cn + ".csr");
    Path ext = dir.resolve(cn + ".ext");
    Files.writeString(ext, extensions);
    openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey",
        caKey.toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2",
        "-extfile", ext.toString());
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
