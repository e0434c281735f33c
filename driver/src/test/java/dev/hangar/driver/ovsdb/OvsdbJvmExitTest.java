package dev.hangar.driver.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.testing.PrivateSshd;
import dev.hangar.testing.ChildJvm;
import dev.hangar.testing.Daemons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The library leaves non-daemon threads that keep a JVM alive about a minute after its last
 * connection unless they are shut down. A child JVM connects over TCP, a unix socket and SSH, closes
 * its connector and returns from main: it must exit on its own, long before that minute.
 */
class OvsdbJvmExitTest {
  /** Generous: a JVM kept alive by the library would take about 60 s. */
  private static final long EXIT_WITHIN_SECONDS = 20;

  @Test
  void aJvmExitsSoonAfterItsConnectorIsClosed() throws Exception {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    Daemons.need(PrivateSshd.available(), "OpenSSH server is not installed");
    try (PrivateOvsdbServer server = PrivateOvsdbServer.start("br-int");
        PrivateSshd sshd = PrivateSshd.start()) {
      Path out = Files.createTempFile("hangar-exit-", ".log");
      try {
        Process child = new ProcessBuilder(ChildJvm.command(List.of(), Child.class,
            Integer.toString(server.tcpPort()), OvsdbServers.socket(server).toString(),
            Integer.toString(sshd.port()), sshd.user(), sshd.keyFile().toString()))
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        // Connecting takes a few seconds at most; the bound that matters is checked below.
        boolean exited = child.waitFor(EXIT_WITHIN_SECONDS + 30, TimeUnit.SECONDS);
        long exitedAt = System.currentTimeMillis();
        String log = Files.readString(out, StandardCharsets.UTF_8);
        if (!exited) {
          child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(exited).as("child JVM still running; its output:%n%s", log).isTrue();
        assertThat(child.exitValue()).as(log).isZero();
        assertThat(log).contains("ports: 3");
        long closedAt = Long.parseLong(log.lines().filter(l -> l.startsWith("closed at "))
            .findFirst().orElseThrow().substring("closed at ".length()));
        assertThat(exitedAt - closedAt).as("ms between close() and the JVM's exit")
            .isLessThan(TimeUnit.SECONDS.toMillis(EXIT_WITHIN_SECONDS));
      } finally {
        Files.deleteIfExists(out);
      }
    }
  }

  /** The child JVM: connects three ways, closes, returns from main. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      int tcpPort = Integer.parseInt(args[0]);
      String socket = args[1];
      SshTarget ssh = new SshTarget("127.0.0.1", Integer.parseInt(args[2]), args[3],
          Files.readString(Path.of(args[4])), null);
      OvsdbConnector connector = OvsdbConnectors.standard();
      int total = 0;
      for (OvsdbEndpoint e : List.of(new OvsdbEndpoint.Tcp("127.0.0.1", tcpPort),
          new OvsdbEndpoint.LocalUnix(socket), new OvsdbEndpoint.SshUnix(ssh, socket))) {
        try (OvsdbSession s = connector.open(e, Duration.ofSeconds(10))) {
          s.apply("br-int", PortChanges.insert(List.of(new OvsPort("hgx" + total,
              PortVlan.parked(), java.util.Map.of()))));
          total = s.ports("br-int").size();
        }
      }
      System.out.println("ports: " + total);
      connector.close();
      System.out.println("closed at " + System.currentTimeMillis());
    }
  }
}
