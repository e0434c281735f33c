package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The embedded default runs for real: libvirt's test driver and a private ovsdb-server. */
class EmbeddedEnvironmentTest {
  @Test
  void libvirtTestDriverAnswersInProcess() throws Exception {
    LibvirtProbe.Report r = LibvirtProbe.probe("test:///default");
    assertThat(r.driverType()).isEqualTo("TEST");
    assertThat(r.runningDomains()).isPositive();
    assertThat(r.libvirtVersion()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void privateOvsdbServerStartsWithTheBridgeAndStopsByPid() throws Exception {
    long pid;
    Path socket;
    try (PrivateOvsdbServer s = PrivateOvsdbServer.start("br-test")) {
      pid = s.pid();
      socket = Path.of(s.unixRemote().substring("unix:".length()));
      assertThat(s.vsctl("list-br").strip()).isEqualTo("br-test");
      String[] tcp = s.tcpRemote().split(":");
      try (Socket c = new Socket(tcp[1], Integer.parseInt(tcp[2]))) {
        assertThat(c.isConnected()).isTrue();
      }
      assertThat(ProcessHandle.of(pid)).isPresent();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.exists(socket.getParent())).isFalse();
  }
}
