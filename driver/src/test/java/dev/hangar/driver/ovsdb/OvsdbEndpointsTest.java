package dev.hangar.driver.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.testing.PrivateSshd;
import dev.hangar.testing.Daemons;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three kinds of endpoint, connection sharing, and failures to connect. */
class OvsdbEndpointsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private PrivateOvsdbServer server;
  private OvsdbConnector connector;

  @BeforeEach
  void start() throws IOException {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    server = PrivateOvsdbServer.start("br-int");
    connector = OvsdbConnectors.standard();
  }

  @AfterEach
  void stop() {
    if (connector != null) {
      connector.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static OvsPort parked(String name) {
    return new OvsPort(name, PortVlan.parked(), Map.of("vm-id", "vm1"));
  }

  private void roundTrip(OvsdbEndpoint endpoint, String port) throws IOException {
    try (OvsdbSession s = connector.open(endpoint, TIMEOUT)) {
      assertThat(s.describe()).isEqualTo(endpoint.describe());
      s.apply("br-int", PortChanges.insert(List.of(parked(port))));
      assertThat(s.ports("br-int").get(port)).isEqualTo(parked(port));
    }
    assertThat(server.vsctl("get", "Port", port, "tag").strip()).isEqualTo("4095");
  }

  @Test
  void localUnixSocketThroughTheRelay() throws IOException {
    roundTrip(OvsdbServers.unix(server), "hgunix0");
  }

  @Test
  void unixSocketOnAHostThroughSshWithAKey() throws IOException {
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
    try (PrivateSshd sshd = PrivateSshd.start()) {
      roundTrip(new OvsdbEndpoint.SshUnix(sshd.target(), OvsdbServers.socket(server).toString()),
          "hgssh0");
    }
  }

  @Test
  void unixSocketOnAHostThroughSshWithAPasswordAndAnRsaPemKey() throws IOException {
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
    String path = OvsdbServers.socket(server).toString();
    try (PrivateSshd sshd = PrivateSshd.start(PrivateSshd.KeyType.RSA_PEM, "s3cret-pw")) {
      roundTrip(new OvsdbEndpoint.SshUnix(sshd.passwordTarget(), path), "hgpw0");
      roundTrip(new OvsdbEndpoint.SshUnix(sshd.target(), path), "hgrsa0");
    }
  }

  @Test
  void aRefusedSshLoginIsClearAndNamesNoSecret() throws IOException {
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
    try (PrivateSshd sshd = PrivateSshd.start()) {
      SshTarget wrong = new SshTarget(sshd.host(), sshd.port(), sshd.user(), null, "not-it-pw");
      OvsdbEndpoint endpoint = new OvsdbEndpoint.SshUnix(wrong, "/run/x.sock");
      assertThatThrownBy(() -> connector.open(endpoint, TIMEOUT))
          .isInstanceOfSatisfying(OvsdbException.class, e -> {
            assertThat(e.unreachable()).isFalse();
            assertThat(e.getMessage()).contains(endpoint.describe()).contains("Auth fail")
                .doesNotContain("not-it-pw");
          });
      // A socket the host does not have: reachable host, clear message, no key in it.
      OvsdbEndpoint missing = new OvsdbEndpoint.SshUnix(sshd.target(), "/nonexistent/db.sock");
      assertThatThrownBy(() -> connector.open(missing, TIMEOUT))
          .isInstanceOfSatisfying(OvsdbException.class, e -> {
            assertThat(e.unreachable()).isTrue();
            assertThat(e.getMessage()).contains("/nonexistent/db.sock")
                .doesNotContain("PRIVATE KEY").doesNotContain(sshd.privateKeyPem().substring(40, 80));
          });
    }
  }

  @Test
  void nothingListeningIsUnreachableAtOnce() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OvsdbEndpoint tcp = new OvsdbEndpoint.Tcp("127.0.0.1", port);
    assertThatThrownBy(() -> connector.open(tcp, TIMEOUT))
        .isInstanceOfSatisfying(OvsdbException.class, e -> {
          assertThat(e.unreachable()).isTrue();
          assertThat(e.getMessage()).contains("tcp:127.0.0.1:" + port).contains("refused");
        });
    OvsdbEndpoint unix = new OvsdbEndpoint.LocalUnix("/nonexistent/db.sock");
    assertThatThrownBy(() -> connector.open(unix, TIMEOUT))
        .isInstanceOfSatisfying(OvsdbException.class, e -> {
          assertThat(e.unreachable()).isTrue();
          assertThat(e.getMessage()).contains("unix:/nonexistent/db.sock");
        });
  }

  @Test
  void concurrentSessionsShareOneConnectionPerEndpoint() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> jobs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String name = "hgc" + i;
        OvsdbEndpoint endpoint = i % 2 == 0 ? OvsdbServers.tcp(server) : OvsdbServers.unix(server);
        jobs.add(() -> {
          try (OvsdbSession s = connector.open(endpoint, TIMEOUT)) {
            s.apply("br-int", PortChanges.insert(List.of(parked(name))));
            return s.ports("br-int").size();
          }
        });
      }
      for (Future<Integer> f : pool.invokeAll(jobs)) {
        assertThat(f.get()).isBetween(1, 16);
      }
    } finally {
      pool.shutdownNow();
    }
    try (OvsdbSession s = connector.open(OvsdbServers.tcp(server), TIMEOUT)) {
      assertThat(s.ports("br-int")).hasSize(16);
    }
    // One connection for the TCP endpoint and one through the unix relay, however many sessions.
    assertThat(OvsdbServers.sessions(server)).isEqualTo(2);
  }
}
