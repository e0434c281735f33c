package dev.hangar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The check the relay and tunnel tests rely on sees our own listener, and only while open. */
class LoopbackPortsTest {
  @Test
  void seesThisProcesssListenerOnlyWhileItIsOpen() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
      assertThat(LoopbackPorts.listensHere(port)).isTrue();
    }
    assertThat(LoopbackPorts.listensHere(port)).isFalse();
  }
}
