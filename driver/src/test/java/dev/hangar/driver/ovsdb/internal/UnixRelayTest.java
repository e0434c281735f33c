package dev.hangar.driver.ovsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.ssh.LoopbackGate;
import dev.hangar.testing.LoopbackPorts;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback-to-unix relay: passes bytes both ways, only for the admitted client. */
class UnixRelayTest {
  private Path dir;
  private ServerSocketChannel unixServer;

  @BeforeEach
  void echoOnAUnixSocket() throws IOException {
    dir = Files.createTempDirectory("hangar-relay-");
    unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    unixServer.bind(UnixDomainSocketAddress.of(dir.resolve("echo.sock")));
    Thread t = new Thread(() -> {
      while (unixServer.isOpen()) {
        try (SocketChannel c = unixServer.accept()) {
          ByteBuffer buf = ByteBuffer.allocate(1024);
          while (c.read(buf) >= 0) {
            buf.flip();
            c.write(buf);
            buf.clear();
          }
        } catch (IOException e) {
          // closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void cleanUp() throws IOException {
    unixServer.close();
    Files.deleteIfExists(dir.resolve("echo.sock"));
    Files.deleteIfExists(dir);
  }

  @Test
  void relaysTheAdmittedClientAndCutsOffOthers() throws IOException {
    UnixRelay relay = UnixRelay.start(dir.resolve("echo.sock"),
        LoopbackGate.single(Duration.ofSeconds(5)));
    int port = relay.address().getPort();
    try (Socket intruder = new Socket(relay.address().getAddress(), port);
        Socket client = new Socket(relay.address().getAddress(), port)) {
      relay.admit(client.getLocalPort());
      client.setSoTimeout(10_000);
      client.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
          .isEqualTo("ping");
      intruder.setSoTimeout(10_000);
      assertThat(intruder.getInputStream().read()).isEqualTo(-1);

      relay.close();
      assertThat(relay.isOpen()).isFalse();
      assertThat(client.getInputStream().read()).as("closing ends relayed connections")
          .isEqualTo(-1);
    }
    assertThat(LoopbackPorts.listensHere(port)).as("the relay's port still listens").isFalse();
  }

  @Test
  void aRefusedUnixConnectionClosesTheClientAndSaysWhy() throws IOException {
    UnixRelay relay = UnixRelay.start(dir.resolve("missing.sock"), LoopbackGate.open());
    try (Socket client = new Socket(relay.address().getAddress(), relay.address().getPort())) {
      client.setSoTimeout(10_000);
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    } finally {
      relay.close();
    }
    assertThat(relay.failure()).contains("missing.sock");
  }
}
