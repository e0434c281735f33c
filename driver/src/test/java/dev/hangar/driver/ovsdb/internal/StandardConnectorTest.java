package dev.hangar.driver.ovsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ssh.SshSessions;
import dev.hangar.testing.Daemons;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The echo that checks an idle connection before it is handed out again. */
class StandardConnectorTest {
  private PrivateOvsdbServer server;
  private StandardConnector connector;

  @BeforeEach
  void start() throws IOException {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    server = PrivateOvsdbServer.start("br-int");
    // Every reuse counts as idle: each open echoes first.
    connector = new StandardConnector(new SshSessions(), true, Duration.ZERO);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.isAlive()) {
      signal("CONT");
    }
    if (connector != null) {
      connector.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private OvsdbEndpoint endpoint() {
    return server.tcpEndpoint();
  }

  private void signal(String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(server.pid())).start().waitFor();
  }

  @Test
  void anIdleConnectionThatAnswersTheEchoIsReused() {
    try (OvsdbSession s = connector.open(endpoint(), Duration.ofSeconds(5))) {
      assertThat(s.bridgeExists("br-int")).isTrue();
    }
    try (OvsdbSession s = connector.open(endpoint(), Duration.ofSeconds(5))) {
      assertThat(s.bridgeExists("br-int")).isTrue();
    }
    assertThat(memorySessions()).isEqualTo(1);
  }

  @Test
  void anIdleConnectionThatStaysSilentIsDroppedWithinTheOpenTimeout() throws Exception {
    connector.open(endpoint(), Duration.ofSeconds(5)).close();
    signal("STOP");
    assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        assertThatThrownBy(() -> connector.open(endpoint(), Duration.ofSeconds(2)))
            .isInstanceOfSatisfying(OvsdbException.class,
                e -> assertThat(e.unreachable()).isTrue()));
    signal("CONT");
    try (OvsdbSession s = connector.open(endpoint(), Duration.ofSeconds(5))) {
      assertThat(s.bridgeExists("br-int")).isTrue();
    }
  }

  private int memorySessions() {
    try {
      Process p = new ProcessBuilder("ovs-appctl", "-t", server.unixRemote()
          .substring("unix:".length()).replace("db.sock", "ovsdb-server.ctl"), "memory/show")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      var m = java.util.regex.Pattern.compile("sessions:(\\d+)").matcher(out);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
