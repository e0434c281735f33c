package dev.hangar.driver.ovsdb;

import dev.hangar.driver.embedded.PrivateOvsdbServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helpers around {@link PrivateOvsdbServer}: endpoints, signals, a restart in place. */
final class OvsdbServers {
  private OvsdbServers() {
  }

  static Path dir(PrivateOvsdbServer s) {
    return socket(s).getParent();
  }

  static Path socket(PrivateOvsdbServer s) {
    return Path.of(s.unixRemote().substring("unix:".length()));
  }

  static int tcpPort(PrivateOvsdbServer s) {
    String r = s.tcpRemote();
    return Integer.parseInt(r.substring(r.lastIndexOf(':') + 1));
  }

  static OvsdbEndpoint.Tcp tcp(PrivateOvsdbServer s) {
    return new OvsdbEndpoint.Tcp("127.0.0.1", tcpPort(s));
  }

  static OvsdbEndpoint.LocalUnix unix(PrivateOvsdbServer s) {
    return new OvsdbEndpoint.LocalUnix(socket(s).toString());
  }

  /** How many client connections the server has now (its own count, memory/show). */
  static int sessions(PrivateOvsdbServer s) throws IOException {
    String out = run(List.of("ovs-appctl", "-t", dir(s).resolve("ovsdb-server.ctl").toString(),
        "memory/show"), Map.of());
    Matcher m = Pattern.compile("sessions:(\\d+)").matcher(out);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  static void signal(long pid, String signal) throws IOException {
    run(List.of("kill", "-" + signal, Long.toString(pid)), Map.of());
  }

  /** SIGKILLs the server and waits until it is gone; its files stay. */
  static void kill(PrivateOvsdbServer s) throws Exception {
    ProcessHandle h = ProcessHandle.of(s.pid()).orElseThrow();
    signal(s.pid(), "KILL");
    h.onExit().get(10, TimeUnit.SECONDS);
  }

  /**
   * Starts a new ovsdb-server on the killed one's database, socket and TCP port, as an admin
   * restarting it would. Close the returned process by pid.
   */
  static Process restart(PrivateOvsdbServer s) throws IOException, InterruptedException {
    Path dir = dir(s);
    ProcessBuilder pb = new ProcessBuilder("ovsdb-server", dir.resolve("conf.db").toString(),
        "--remote=punix:" + dir.resolve("db.sock"),
        "--remote=ptcp:" + tcpPort(s) + ":127.0.0.1",
        "--unixctl=" + dir.resolve("ovsdb-server.ctl"), "--pidfile=" + dir.resolve("pid"),
        "--log-file=" + dir.resolve("ovsdb-server.log"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout2").toFile());
    pb.environment().putAll(Map.of("OVS_RUNDIR", dir.toString(), "OVS_LOGDIR", dir.toString(),
        "OVS_DBDIR", dir.toString()));
    Process p = pb.start();
    // Answering ovs-vsctl means both remotes are up.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        s.vsctl("show");
        run(List.of("ovs-vsctl", "--no-wait", "--timeout=5", "--db=" + s.tcpRemote(), "show"),
            Map.of());
        return p;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          p.destroyForcibly();
          throw new IOException("restarted ovsdb-server did not come up", e);
        }
        Thread.sleep(20);
      }
    }
  }

  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  static String run(List<String> cmd, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(cmd + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
