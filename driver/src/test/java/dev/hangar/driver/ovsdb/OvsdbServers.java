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

/** Test helpers around {@link PrivateOvsdbServer}: endpoints, signals, session counts. */
final class OvsdbServers {
  private OvsdbServers() {
  }

  static Path dir(PrivateOvsdbServer s) {
    return socket(s).getParent();
  }

  static Path socket(PrivateOvsdbServer s) {
    return Path.of(s.unixRemote().substring("unix:".length()));
  }

  static OvsdbEndpoint.Tcp tcp(PrivateOvsdbServer s) {
    return s.tcpEndpoint();
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
