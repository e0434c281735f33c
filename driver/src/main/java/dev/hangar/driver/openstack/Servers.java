package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.CommandScope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;

/** Nova servers and their Neutron ports: read, wait for a status, delete. */
final class Servers {
  private final OsSession s;

  Servers(OsSession s) {
    this.s = s;
  }

  /** The server, or empty when Nova no longer has it. */
  Optional<Server> get(String id) {
    return Optional.ofNullable(s.call("read server " + id, () -> s.os().compute().servers()
        .get(id)));
  }

  /** The server, or empty when Nova no longer has it or lists it as DELETED (as it does for
   * an admin a while after the delete). */
  Optional<Server> live(String id) {
    return get(id).filter(x -> x.getStatus() != Server.Status.DELETED);
  }

  /** The server a Deploy of {@code actionId} booted in {@code sandbox}, by name and metadata. */
  Optional<Server> findByAction(String name, String sandbox, String actionId) {
    List<? extends Server> found = s.call("find server " + name, () -> s.os().compute()
        .servers().list(Map.of("name", "^" + java.util.regex.Pattern.quote(name)
            .replace("\\Q", "").replace("\\E", "") + "$")));
    for (Server candidate : found) {
      Server full = candidate.getMetadata() == null || candidate.getMetadata().isEmpty()
          ? get(candidate.getId()).orElse(null) : candidate;
      if (full == null || full.getStatus() == Server.Status.DELETED) {
        continue;
      }
      Map<String, String> m = full.getMetadata();
      if (m != null && sandbox.equals(m.get(Marks.SANDBOX))
          && actionId.equals(m.get(Marks.ACTION))) {
        return Optional.of(full);
      }
    }
    return Optional.empty();
  }

  /** The server's ports, the one on the management network first. */
  List<Port> ports(String serverId) {
    List<? extends Port> ports = s.call("list the ports of server " + serverId, () -> s.os()
        .networking().port().list(PortListOptions.create().deviceId(serverId)));
    return ServerDetails.ordered(ports, null);
  }

  /** Polls until the server has {@code status}; ERROR or disappearing is a failure. */
  Server awaitStatus(String id, Server.Status status, Duration bound, CommandScope scope) {
    long deadline = OsSession.deadline(bound);
    while (true) {
      Server server = get(id).orElseThrow(() -> BackendException.failed("server " + id
          + " disappeared while waiting for it to be " + status, null));
      if (server.getStatus() == status && server.getTaskState() == null) {
        return server;
      }
      if (server.getStatus() == Server.Status.ERROR) {
        String why = server.getFault() == null ? "no fault given"
            : server.getFault().getMessage();
        throw BackendException.failed("server " + id + " went to ERROR: " + why, null);
      }
      if (OsSession.passed(deadline)) {
        throw new BackendException("server " + id + " was not " + status + " after "
            + bound.toSeconds() + " s (it is " + server.getStatus() + ")", true, false, null);
      }
      s.pause(scope, "server " + id + " to be " + status);
    }
  }

  /** Polls until no task runs on the server (whatever its status); ERROR is a failure. */
  Server awaitIdle(String id, CommandScope scope) {
    long deadline = OsSession.deadline(s.timeouts().active());
    while (true) {
      Server server = get(id).orElseThrow(() -> BackendException.failed("server " + id
          + " disappeared while a task ran on it", null));
      if (server.getStatus() == Server.Status.ERROR) {
        String why = server.getFault() == null ? "no fault given"
            : server.getFault().getMessage();
        throw BackendException.failed("server " + id + " went to ERROR: " + why, null);
      }
      if (server.getTaskState() == null) {
        return server;
      }
      if (OsSession.passed(deadline)) {
        throw new BackendException("server " + id + " was still busy (" + server.getTaskState()
            + ") after " + s.timeouts().active().toSeconds() + " s", true, false, null);
      }
      s.pause(scope, "server " + id + " to finish " + server.getTaskState());
    }
  }

  /**
   * Deletes the server, its floating IPs and the ports Hangar attached to it, and waits until
   * Nova no longer lists it. A server already gone is success. {@code cancellable} false for
   * rollbacks, which must finish even in a cancelled command.
   */
  void deleteAndWait(String id, CommandScope scope, boolean cancellable) {
    List<Port> ports = ports(id);
    for (Port p : ports) {
      for (var f : s.call("list the floating IPs of port " + p.getId(), () -> s.os()
          .networking().floatingip().list(Map.of("port_id", p.getId())))) {
        s.action("release floating IP " + f.getFloatingIpAddress(), true, () -> s.os()
            .networking().floatingip().delete(f.getId()));
      }
    }
    if (get(id).isPresent()) {
      s.action("delete server " + id, true, () -> s.os().compute().servers().delete(id));
      long deadline = OsSession.deadline(s.timeouts().gone());
      while (get(id).filter(x -> x.getStatus() != Server.Status.DELETED).isPresent()) {
        if (OsSession.passed(deadline)) {
          throw new BackendException("server " + id + " was still there "
              + s.timeouts().gone().toSeconds() + " s after its delete", true, false, null);
        }
        if (cancellable) {
          s.pause(scope, "server " + id + " to go");
        } else {
          sleep(s.timeouts().poll());
        }
      }
    }
    // Nova deletes the ports it made; ports made by Hangar (the VLAN ports) stay, unbound:
    // delete them, and their sandbox VLAN networks once empty (a later removeVlan finds no
    // port and so would never get to the network).
    VlanNetworks networks = new VlanNetworks(s);
    for (Port p : ports) {
      if (Trunks.isParent(p)) {
        new Trunks(s, networks).remove(p, null, scope); // its subports, trunk, port, network
      } else if (p.getName() != null && p.getName().startsWith(Marks.PREFIX)) {
        s.action("delete port " + p.getId(), true, () -> s.os().networking().port()
            .delete(p.getId()));
        if (!p.getName().startsWith(SandboxMarks.ROOT)) { // an L3 sandbox's stays
          networks.deleteIfEmpty(p.getNetworkId());
        }
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
