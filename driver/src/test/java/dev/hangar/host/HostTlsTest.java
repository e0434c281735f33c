package dev.hangar.host;

import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host over TLS, with and without client certificates, on loopback. */
class HostTlsTest {
  @TempDir
  static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.make(dir);
  }

  /** A health check over {@code tls} with the token: its status, or the call's error code. */
  private static Object check(SandboxHost host, ClientTls tls) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder(host.address().toString(), tls.credentials())
        .build();
    try {
      return HealthGrpc.newBlockingStub(channel).withCallCredentials(TOKEN.credentials())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void tlsWithTheHostsCertificate() throws Exception {
    try (SandboxHost host = HostTesting.loopbackHost(BackendRegistry.empty(),
        HostConfig.of(HostTesting.LOOPBACK, TOKEN)
            .withTls(new ServerTls(certs.hostCert(), certs.hostKey(), null)))) {
      assertThat(check(host, new ClientTls(true, certs.ca(), null, null)))
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(check(host, ClientTls.PLAINTEXT)).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(check(host, new ClientTls(true, certs.strangerCert(), null, null)))
          .as("a client that does not trust the host's CA").isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void clientCertificatesWhenTheHostRequiresThem() throws Exception {
    try (SandboxHost host = HostTesting.loopbackHost(BackendRegistry.empty(),
        HostConfig.of(HostTesting.LOOPBACK, TOKEN)
            .withTls(new ServerTls(certs.hostCert(), certs.hostKey(), certs.ca())))) {
      assertThat(check(host, new ClientTls(true, certs.ca(), certs.clientCert(),
          certs.clientKey()))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(check(host, new ClientTls(true, certs.ca(), null, null)))
          .as("no client certificate").isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(check(host, new ClientTls(true, certs.ca(), certs.strangerCert(),
          certs.strangerKey()))).as("a certificate of another CA")
          .isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void unreadableKeyFilesSayWhich() {
    ServerTls tls = new ServerTls(certs.hostCert(), dir.resolve("missing.key"), null);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(tls::credentials))
        .hasMessage("cannot read the private key file " + dir.resolve("missing.key"));
  }
}
