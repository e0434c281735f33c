package dev.hangar.driver.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.testing.PrivateSshd;
import dev.hangar.testing.Daemons;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that dies or goes silent: every call ends with an unreachable {@link OvsdbException}
 * instead of hanging, and the next open after the server is back works. The only time bounds
 * asserted are generous "does not hang" ones.
 */
class OvsdbFailuresTest {
  /** Far above the timeouts used below; only there to turn a hang into a failure. */
  private static final Duration NO_HANG = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private PrivateOvsdbServer server;
  private OvsdbConnector connector;
  private PrivateSshd sshd;

  @BeforeEach
  void start() throws Exception {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    server = PrivateOvsdbServer.start("br-int");
    connector = OvsdbConnectors.standard();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.isAlive()) {
      // Never leave it stopped: close() waits for it to end.
      OvsdbServers.signal(server.pid(), "CONT");
    }
    if (connector != null) {
      connector.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private OvsdbEndpoint endpoint(String kind) throws Exception {
    return switch (kind) {
      case "tcp" -> OvsdbServers.tcp(server);
      case "unix" -> OvsdbServers.unix(server);
      case "ssh" -> {
        Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
        sshd = PrivateSshd.start();
        yield new OvsdbEndpoint.SshUnix(sshd.target(), OvsdbServers.socket(server).toString());
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static OvsPort parked(String name) {
    return new OvsPort(name, PortVlan.parked(), Map.of());
  }

  private static OvsdbException unreachable(Runnable call) {
    OvsdbException[] caught = new OvsdbException[1];
    assertTimeoutPreemptively(NO_HANG, () -> assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(OvsdbException.class, e -> caught[0] = e));
    assertThat(caught[0].unreachable()).as(caught[0].getMessage()).isTrue();
    return caught[0];
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix", "ssh"})
  void killedServerIsUnreachableAndARestartedOneIsUsedOnTheNextOpen(String kind)
      throws Exception {
    OvsdbEndpoint endpoint = endpoint(kind);
    OvsdbSession session = connector.open(endpoint, TIMEOUT);
    session.apply("br-int", PortChanges.insert(List.of(parked("hgk0"))));

    server.kill();
    OvsdbException e = unreachable(() -> session.ports("br-int"));
    assertThat(e.getMessage()).contains(endpoint.describe()).contains("br-int");
    // While it is down, opening fails the same way, promptly.
    unreachable(() -> connector.open(endpoint, TIMEOUT));

    server.restart();
    try (OvsdbSession again = connector.open(endpoint, TIMEOUT)) {
      assertThat(again.ports("br-int")).containsOnlyKeys("hgk0");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ssh"})
  void stoppedServerTimesOutInsteadOfHanging(String kind) throws Exception {
    OvsdbEndpoint endpoint = endpoint(kind);
    OvsdbSession session = connector.open(endpoint, TIMEOUT);
    assertThat(session.bridgeExists("br-int")).isTrue();

    OvsdbServers.signal(server.pid(), "STOP");
    OvsdbException read = unreachable(() -> session.ports("br-int"));
    assertThat(read.getMessage()).contains(endpoint.describe()).contains("no answer in time");
    unreachable(() -> session.apply("br-int", PortChanges.insert(List.of(parked("hgs0")))));
    // A new connection gets no answer either: connecting is bounded too.
    OvsdbException open = unreachable(() -> connector.open(endpoint, TIMEOUT));
    assertThat(open.getMessage()).contains(endpoint.describe());

    OvsdbServers.signal(server.pid(), "CONT");
    try (OvsdbSession again = connector.open(endpoint, TIMEOUT)) {
      // (Whether the timed-out insert was applied is unknown, as with any lost answer.)
      assertThat(again.bridgeExists("br-int")).isTrue();
    }
  }

  @Test
  void aClosedConnectorRefusesNewSessions() {
    connector.close();
    assertThatThrownBy(() -> connector.open(OvsdbServers.tcp(server), TIMEOUT))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClosedSessionRefusesCalls() {
    OvsdbSession s = connector.open(OvsdbServers.tcp(server), TIMEOUT);
    s.close();
    Function<OvsdbSession, Object> call = x -> x.ports("br-int");
    assertThatThrownBy(() -> call.apply(s)).isInstanceOf(IllegalStateException.class);
  }
}
