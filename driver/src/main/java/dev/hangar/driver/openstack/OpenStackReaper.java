package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxLease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronRouter;

/**
 * The OpenStack reaper. It lists the project's objects that carry Hangar's lease marks
 * ({@link MarkedObjects}), groups them by sandbox, and removes each sandbox whose objects all
 * carry an expiry, the latest past, object by object in dependency order: servers (with their
 * snapshots), floating IPs, the routers' interfaces, routers, ports (a trunk's parent with its
 * trunk), subnets, networks, the apps' security groups, the sandbox group, the sandbox's key
 * pair (Nova key pairs carry no marks: it is found by the name PrepareSandboxInfra gives it),
 * snapshot images; then the Deploy claims past their stale limit ({@link ServerClaims}),
 * whatever their sandbox. Every object gets a report line. An object without the marks is never
 * listed, so never touched; "already gone" is a line of its own, not a failure, so two reapers
 * at once both finish clean; a conflict (an object still in use while the other reaper removes
 * what uses it) is retried for a bounded time.
 */
final class OpenStackReaper implements Reaper {
  /** Removal order of the kinds. */
  private static final List<String> ORDER = List.of("server", "floating-ip",
      "router-interface", "router", "port", "subnet", "network", "security-group", "key-pair",
      "image");
  private final OsSession s;

  OpenStackReaper(OsSession s) {
    this.s = s;
  }

  /** One object to remove. */
  private record Target(String kind, String id, String detail) {}

  @Override
  public ReapReport reap(Instant now, boolean dryRun, CommandScope scope) {
    Map<String, List<MarkedObjects.Found>> bySandbox = new TreeMap<>();
    for (MarkedObjects.Found f : new MarkedObjects(s).all()) {
      bySandbox.computeIfAbsent(f.mark().sandbox(), k -> new ArrayList<>()).add(f);
    }
    String where = where();
    List<Line> lines = new ArrayList<>();
    for (Map.Entry<String, List<MarkedObjects.Found>> e : bySandbox.entrySet()) {
      Optional<Instant> expiry = SandboxLease.sandboxExpiry(e.getValue().stream()
          .map(f -> f.mark().expires()).toList());
      if (expiry.isEmpty() || !expiry.get().isBefore(now)) {
        continue;
      }
      String sandbox = e.getKey();
      String why = "sandbox expired at " + expiry.get();
      for (Target t : targets(sandbox, e.getValue())) {
        if (dryRun) {
          lines.add(new Line(Outcome.WOULD_REMOVE, t.kind(), t.id(), where, sandbox, why, ""));
          continue;
        }
        scope.checkCancelled("reaping sandbox " + sandbox);
        Outcome outcome;
        String error = "";
        try {
          outcome = remove(t, sandbox, scope) ? Outcome.REMOVED : Outcome.ALREADY_GONE;
        } catch (HangarException ex) {
          outcome = Outcome.FAILED;
          error = scope.redact(ex.getMessage());
        }
        lines.add(new Line(outcome, t.kind(), t.id(), where, sandbox, why, error));
      }
    }
    // Claims of Deploys whose host died (they name no sandbox: see ServerClaims)
    new ServerClaims(s).reap(now, dryRun, where, scope, lines);
    return new ReapReport(lines);
  }

  /**
   * What CleanupSandboxInfra of {@code sandbox} would delete, listed as the reaper lists it
   * (the same marks, the same order): a server takes its snapshots and the ports Hangar made
   * for it.
   */
  List<PlannedOperation> cleanupPlan(String sandbox) {
    List<MarkedObjects.Found> found = new MarkedObjects(s).all().stream()
        .filter(f -> f.mark().sandbox().equals(sandbox)).toList();
    return targets(sandbox, found).stream().map(t -> new PlannedOperation(
        PlannedOperation.Op.DELETE, t.kind(), "", t.id(), where(), t.kind().equals("server")
            ? Map.of("with", "its snapshots and the ports Hangar attached to it")
            : Map.of())).toList();
  }

  private String where() {
    return s.settings().region().isEmpty() ? s.settings().keystoneUrl()
        : s.settings().region();
  }

  /** The sandbox's objects in removal order, with its routers' interfaces and key pair. */
  private List<Target> targets(String sandbox, List<MarkedObjects.Found> found) {
    List<Target> out = new ArrayList<>();
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (MarkedObjects.Found f : found) {
      if (f.kind().equals("port") && !listed.add(f.id())) {
        continue;
      }
      if (f.kind().equals("network")) {
        // openstack4j drops a port's description: Hangar's ports are those it named on the
        // sandbox's marked networks
        for (Port p : s.call("list the ports of network " + f.id(), () -> s.os().networking()
            .port().list(PortListOptions.create().networkId(f.id())))) {
          if (p.getName() != null && p.getName().startsWith(Marks.PREFIX)
              && listed.add(p.getId())) {
            out.add(new Target("port", p.getId(), p.getName().startsWith(Trunks.PARENT)
                ? "trunk" : ""));
          }
        }
      }
      if (f.kind().equals("router")) {
        for (Port p : s.call("list the interfaces of router " + f.id(), () -> s.os()
            .networking().port().list(PortListOptions.create().deviceId(f.id())
                .deviceOwner(SandboxInfra.ROUTER_INTERFACE)))) {
          out.add(new Target("router-interface", p.getId(), f.id()));
        }
      }
      String detail = switch (f.kind()) {
        case "security-group" -> f.name().equals(SandboxMarks.sandboxGroup(sandbox))
            ? "sandbox" : "app";
        case "port" -> f.name().startsWith(Trunks.PARENT) ? "trunk" : "";
        default -> f.detail();
      };
      out.add(new Target(f.kind(), f.id(), detail));
    }
    if (new SandboxKeyPair(s).find(sandbox) != null) {
      out.add(new Target("key-pair", SandboxMarks.keyPair(sandbox), ""));
    }
    // dependency order; a trunk (its parent port) before its subports, the apps' groups
    // before the sandbox group they refer to
    out.sort(Comparator.comparingInt((Target t) -> ORDER.indexOf(t.kind()))
        .thenComparing(t -> !t.detail().equals("trunk"))
        .thenComparing(t -> t.kind().equals("security-group") && t.detail().equals("sandbox"))
        .thenComparing(Target::id));
    return out;
  }

  /** Removes one object; false when it was already gone. */
  private boolean remove(Target t, String sandbox, CommandScope scope) {
    String id = t.id();
    return switch (t.kind()) {
      case "server" -> {
        boolean there = new Servers(s).live(id).isPresent();
        new Servers(s).deleteAndWait(id, scope, true);
        new OpenStackSnapshots(s).removeAll(id);
        yield there;
      }
      case "floating-ip" -> Neutron.delete(s, "release floating IP " + id,
          () -> s.os().networking().floatingip().delete(id));
      case "router-interface" -> retrying(scope, () -> Neutron.detach(s, t.detail(), null, id));
      case "router" -> {
        if (!t.detail().isEmpty()) {
          try {
            s.call("clear the gateway of router " + id, () -> s.os().networking().router()
                .update(NeutronRouter.builder().id(id).clearExternalGateway().build()));
          } catch (BackendException e) {
            if (!e.getMessage().contains("404")) {
              throw e;
            }
          }
        }
        yield retrying(scope, () -> Neutron.delete(s, "delete router " + id, () -> s.os()
            .networking().router().delete(id)));
      }
      case "port" -> {
        Port p = s.call("read port " + id, () -> s.os().networking().port().get(id));
        if (p == null) {
          yield false;
        }
        if (Trunks.isParent(p)) {
          new Trunks(s, new VlanNetworks(s)).remove(p, null, scope);
          yield true;
        }
        yield retrying(scope, () -> Neutron.delete(s, "delete port " + id, () -> s.os()
            .networking().port().delete(id)));
      }
      case "subnet" -> retrying(scope, () -> Neutron.delete(s, "delete subnet " + id,
          () -> s.os().networking().subnet().delete(id)));
      case "network" -> retrying(scope, () -> Neutron.delete(s, "delete network " + id,
          () -> s.os().networking().network().delete(id)));
      case "security-group" -> retrying(scope, () -> Neutron.delete(s,
          "delete security group " + id, () -> s.os().networking().securitygroup()
              .delete(id)));
      case "key-pair" -> new SandboxKeyPair(s).delete(sandbox);
      case "image" -> new ServerImages(s).delete(id);
      default -> throw new IllegalStateException("no removal of " + t.kind() + " " + id);
    };
  }

  /**
   * Runs a removal again while Neutron answers a conflict (409: still in use, most often by
   * what another reaper is removing at this moment), for at most the 'gone' timeout.
   */
  private boolean retrying(CommandScope scope, BooleanSupplier removal) {
    long deadline = OsSession.deadline(s.timeouts().gone());
    while (true) {
      try {
        return removal.getAsBoolean();
      } catch (BackendException e) {
        if (!e.getMessage().contains("409") || OsSession.passed(deadline)) {
          throw e;
        }
        s.pause(scope, "an object in use to be free");
      }
    }
  }
}
