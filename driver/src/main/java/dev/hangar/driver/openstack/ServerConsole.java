package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.VNCConsole;

/**
 * A deployed app's console on OpenStack: Nova's noVNC web console (a URL through the cloud's
 * nova-novncproxy, with a one-time token that Nova lets live for minutes: [consoleauth]
 * token_ttl, 10 by default), and with it the last {@value #LINES} lines of the server's console
 * output. A cloud that serves no VNC console (Nova answers that the console type is unavailable
 * or disabled) gives the console output alone.
 */
final class ServerConsole {
  static final int LINES = 50;
  private final OsSession s;
  private final Servers servers;

  ServerConsole(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
  }

  ConsoleAccess open(DeployedVm vm, CommandScope scope) {
    Server server = servers.live(vm.uid()).orElseThrow(() -> BackendException.failed("server "
        + vm.uid() + " of app '" + vm.resourceName() + "' no longer exists in OpenStack", null));
    String id = server.getId();
    String output = s.call("read the console output of server " + id, () -> {
      try {
        return s.os().compute().servers().getConsoleOutput(id, LINES);
      } catch (ResponseException e) {
        if (e.getStatus() == 404 || e.getStatus() == 409 || e.getStatus() == 501) {
          return null; // a server without output yet, or a cloud that keeps none
        }
        throw e;
      }
    });
    String text = output == null ? "" : output;
    String url = s.call("open a VNC console of server " + id, () -> {
      try {
        VNCConsole c = s.os().compute().servers().getVNCConsole(id, VNCConsole.Type.NOVNC);
        return c == null ? null : c.getURL();
      } catch (ResponseException e) {
        if (e.getStatus() == 400 || e.getStatus() == 409 || e.getStatus() == 501) {
          return null; // VNC disabled on this cloud, or the server not ready for one
        }
        throw e;
      }
    });
    if (url == null || url.isBlank()) {
      return new ConsoleAccess("console-output", "", "", text, "this OpenStack serves no"
          + " remote console for server " + id + " (Nova has VNC disabled or unavailable):"
          + " this is the last " + LINES + " lines of its console output, as Nova keeps it");
    }
    return new ConsoleAccess("vnc", url, "", text, "open the URL in a browser: it is Nova's"
        + " noVNC console of server " + id + " through the cloud's nova-novncproxy; its token"
        + " works for a few minutes only (ask again for a new one). The text is the last "
        + LINES + " lines of the server's console output");
  }
}
