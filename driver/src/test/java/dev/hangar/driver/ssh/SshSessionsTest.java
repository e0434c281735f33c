package dev.hangar.driver.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.ovsdb.SshTarget;
import dev.hangar.driver.testing.PrivateSshd;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.LoopbackPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SSH logins, commands and tunnels against a real sshd on loopback. */
class SshSessionsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private PrivateSshd sshd;
  private SshSessions sessions;
  private ServerSocket echo;

  @BeforeEach
  void start() throws IOException {
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
    sshd = PrivateSshd.start();
    // Short keepalives, so that the silence test below is quick.
    sessions = new SshSessions(Duration.ofMillis(300), 2);
  }

  @AfterEach
  void stop() throws IOException {
    if (sessions != null) {
      sessions.close();
    }
    if (echo != null) {
      echo.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void runsCommandsWithTheirOutputAndStatusInAnEmptyHome() {
    SshExecResult r = sessions.exec(sshd.target(), "echo out; echo err >&2; exit 3", TIMEOUT);
    assertThat(r.exitStatus()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    // The fixture's SetEnv keeps root's ~/.bashrc (pyenv) out of every command.
    assertThat(sessions.exec(sshd.target(), "echo $HOME", TIMEOUT).stdout().strip())
        .isNotEqualTo("/root").endsWith("/home");
  }

  @Test
  void sharesOneLoginPerTargetAndLogsInAgainAfterItDied() throws Exception {
    String first = parentPid();
    assertThat(parentPid()).as("same SSH connection").isEqualTo(first);
    // Ending the server side of the connection: the next call logs in again.
    ProcessHandle.of(Long.parseLong(first)).orElseThrow().destroyForcibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String next = first;
    while (next.equals(first) && System.nanoTime() < deadline) {
      try {
        // A command already waiting on the dead session waits out its timeout: keep it short.
        next = sessions.exec(sshd.target(), "echo $PPID", Duration.ofSeconds(2)).stdout().strip();
      } catch (SshException e) {
        assertThat(e.unreachable()).isTrue(); // the old session, not yet seen as dead
      }
    }
    assertThat(next).isNotEqualTo(first);
  }

  private String parentPid() {
    return sessions.exec(sshd.target(), "echo $PPID", TIMEOUT).stdout().strip();
  }

  @Test
  void forwardsATcpPortAndLetsOnlyTheAdmittedClientThrough() throws Exception {
    echo = echoServer();
    LoopbackGate gate = LoopbackGate.single(Duration.ofSeconds(5));
    SshTunnel tunnel = sessions.forwardTcp(sshd.target(), "127.0.0.1", echo.getLocalPort(), gate,
        TIMEOUT);
    assertThat(tunnel.isOpen()).isTrue();
    try (Socket intruder = connect(tunnel); Socket client = connect(tunnel)) {
      gate.admit(client.getLocalPort());
      assertThat(roundTrip(client, "hello")).isEqualTo("hello");
      intruder.setSoTimeout(10_000);
      assertThat(intruder.getInputStream().read()).as("the intruder is cut off").isEqualTo(-1);
    }
    tunnel.close();
    assertThat(tunnel.isOpen()).isFalse();
  }

  @Test
  void anOpenGateLetsEveryoneThroughAndClosingEndsTheTunnel() throws Exception {
    echo = echoServer();
    SshTunnel tunnel = sessions.forwardTcp(sshd.target(), "127.0.0.1", echo.getLocalPort(),
        LoopbackGate.open(), TIMEOUT);
    try (Socket a = connect(tunnel); Socket b = connect(tunnel)) {
      assertThat(roundTrip(a, "a")).isEqualTo("a");
      assertThat(roundTrip(b, "b")).isEqualTo("b");
    }
    sessions.close();
    assertThat(tunnel.isOpen()).isFalse();
    assertThat(LoopbackPorts.listensHere(tunnel.localPort())).as("the tunnel's port listens")
        .isFalse();
    assertThatThrownBy(() -> sessions.exec(sshd.target(), "true", TIMEOUT))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSilentServerEndsTheSessionThroughKeepalives() throws Exception {
    echo = echoServer();
    SshTunnel tunnel = sessions.forwardTcp(sshd.target(), "127.0.0.1", echo.getLocalPort(),
        LoopbackGate.open(), TIMEOUT);
    long serverSide = Long.parseLong(parentPid());
    new ProcessBuilder("kill", "-STOP", Long.toString(serverSide)).start().waitFor();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tunnel.isOpen() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(tunnel.isOpen()).as("tunnel closed after unanswered keepalives").isFalse();
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(serverSide)).start().waitFor();
    }
  }

  @Test
  void failuresSayWhatFailedAndNeverTheSecrets() throws IOException {
    SshTarget badKey = new SshTarget(sshd.host(), sshd.port(), sshd.user(),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n-----END OPENSSH PRIVATE KEY-----\n",
        null);
    assertThatThrownBy(() -> sessions.exec(badKey, "true", TIMEOUT))
        .isInstanceOfSatisfying(SshException.class, e -> {
          assertThat(e.unreachable()).isFalse();
          assertThat(e.getMessage()).contains(badKey.describe()).doesNotContain("not-a-key");
        });
    SshTarget badPassword = new SshTarget(sshd.host(), sshd.port(), sshd.user(), null, "pw-42");
    assertThatThrownBy(() -> sessions.exec(badPassword, "true", TIMEOUT))
        .isInstanceOfSatisfying(SshException.class, e -> {
          assertThat(e.unreachable()).isFalse();
          assertThat(e.getMessage()).contains("Auth fail").doesNotContain("pw-42");
        });
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    SshTarget nobody = new SshTarget("127.0.0.1", closedPort, "root", sshd.privateKeyPem(), null);
    assertThatThrownBy(() -> sessions.exec(nobody, "true", TIMEOUT))
        .isInstanceOfSatisfying(SshException.class, e -> {
          assertThat(e.unreachable()).isTrue();
          assertThat(e.getMessage()).contains("Connection refused")
              .doesNotContain("PRIVATE KEY");
        });
    assertThat(badKey.toString()).doesNotContain("not-a-key");
  }

  private static Socket connect(SshTunnel tunnel) throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort());
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] buf = in.readNBytes(text.length());
    return new String(buf, StandardCharsets.UTF_8);
  }

  /** Echoes every connection's bytes back, on daemon threads. */
  private static ServerSocket echoServer() throws IOException {
    ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // peer gone
            }
          });
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }
}
