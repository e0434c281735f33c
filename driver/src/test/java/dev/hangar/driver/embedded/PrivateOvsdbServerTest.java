package dev.hangar.driver.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.testing.Daemons;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP port a private ovsdb-server answers on is its own, before and after a restart. */
class PrivateOvsdbServerTest {
  @BeforeEach
  void needsOvs() {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
  }

  @Test
  void theTcpRemoteIsThePortTheServerItselfListensOn() throws IOException {
    try (PrivateOvsdbServer a = PrivateOvsdbServer.start("br-a");
        PrivateOvsdbServer b = PrivateOvsdbServer.start("br-b")) {
      int portA = port(a);
      int portB = port(b);
      assertThat(portA).isNotEqualTo(portB);
      assertThat(LocalProcesses.listens(a.pid(), portA)).isTrue();
      assertThat(LocalProcesses.listens(b.pid(), portB)).isTrue();
      assertThat(LocalProcesses.listens(a.pid(), portB)).isFalse();
    }
  }

  @Test
  void aRestartTakesBackItsPort() throws IOException {
    try (PrivateOvsdbServer s = PrivateOvsdbServer.start("br-int")) {
      int port = port(s);
      s.kill();
      assertThat(LocalProcesses.listens(s.pid(), port)).isFalse();
      s.restart();
      assertThat(LocalProcesses.listens(s.pid(), port)).isTrue();
      assertThat(s.vsctlNames("list-br")).containsExactly("br-int");
    }
  }

  @Test
  void aRestartFailsWhenAnotherProcessTookThePort() throws IOException {
    try (PrivateOvsdbServer s = PrivateOvsdbServer.start("br-int")) {
      int port = port(s);
      s.kill();
      try (ServerSocket thief = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThatThrownBy(s::restart).isInstanceOf(IOException.class)
            .hasMessageContaining("could not listen on 127.0.0.1:" + port);
        assertThat(s.isAlive()).isFalse();
      }
    }
  }

  private static int port(PrivateOvsdbServer s) {
    assertThat(s.tcpRemote()).isEqualTo("tcp:127.0.0.1:" + s.tcpPort());
    return s.tcpPort();
  }
}
