package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The OVS ports of a VM's vNICs on its hypervisor's bridge. */
final class OvsPorts {
  private final KvmRuntime runtime;
  private final String bridge;

  OvsPorts(KvmRuntime runtime, String bridge) {
    this.runtime = runtime;
    this.bridge = bridge;
  }

  String bridge() {
    return bridge;
  }

  /** The same ports on another bridge (the one a VM's metadata recorded). */
  OvsPorts on(String otherBridge) {
    return otherBridge == null || otherBridge.isEmpty() || otherBridge.equals(bridge) ? this
        : new OvsPorts(runtime, otherBridge);
  }

  /** A parked port for each OVS vNIC, tagged with the VM it belongs to. */
  static List<OvsPort> parked(String vmUuid, String sandboxId, List<DomainSpec.OvsNic> nics) {
    List<OvsPort> out = new ArrayList<>();
    for (DomainSpec.OvsNic n : nics) {
      out.add(port(vmUuid, sandboxId, n.index(), n.device(), n.mac(), PortVlan.parked()));
    }
    return out;
  }

  /** The port row of one OVS vNIC, tagged with the VM it belongs to. */
  static OvsPort port(String vmUuid, String sandboxId, int index, String device, String mac,
      PortVlan vlan) {
    return new OvsPort(device, vlan, Map.of("iface-id", vmUuid + "-" + index, "attached-mac",
        mac, "vm-id", vmUuid, "hangar-sandbox", sandboxId == null ? "" : sandboxId));
  }

  /**
   * The ports of a new VM: inserted at once (their names are new), falling back to
   * {@link #ensure} with reconcile when the transaction failed, e.g. because a port of that name
   * was left behind. Returns the names this call inserted.
   */
  List<String> create(HypervisorTarget host, List<OvsPort> ports) {
    try {
      return call(host, "create the vNIC ports", s -> {
        s.apply(bridge, PortChanges.insert(ports));
        return ports.stream().map(OvsPort::name).toList();
      });
    } catch (BackendException e) {
      if (e.unavailable()) {
        throw e;
      }
      return ensure(host, ports, true);
    }
  }

  /**
   * Inserts the ports that are not there yet and returns their names. With {@code reconcile},
   * a port whose VLAN differs from the one given is set to it: a new vNIC never starts out on
   * someone else's VLAN, and a restarted VM comes back on the VLAN its definition records.
   */
  List<String> ensure(HypervisorTarget host, List<OvsPort> ports, boolean reconcile) {
    return call(host, "create the vNIC ports", s -> {
      Map<String, OvsPort> existing = s.ports(bridge, ports.stream().map(OvsPort::name)
          .toList());
      List<OvsPort> missing = new ArrayList<>();
      Map<String, PortVlan> differing = new java.util.HashMap<>();
      for (OvsPort p : ports) {
        OvsPort old = existing.get(p.name());
        if (old == null) {
          missing.add(p);
        } else if (reconcile && !old.vlan().equals(p.vlan())) {
          differing.put(p.name(), p.vlan());
        }
      }
      PortChanges changes = new PortChanges(missing, differing, List.of());
      if (!changes.isEmpty()) {
        s.apply(bridge, changes);
      }
      return missing.stream().map(OvsPort::name).toList();
    });
  }

  void delete(HypervisorTarget host, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    call(host, "remove the vNIC ports", s -> {
      s.apply(bridge, PortChanges.delete(names));
      return null;
    });
  }

  /** Writes {@code changes} in one transaction. */
  void apply(HypervisorTarget host, PortChanges changes) {
    call(host, "change the vNIC ports", s -> {
      s.apply(bridge, changes);
      return null;
    });
  }

  /** The named ports (those that exist), read in one request. */
  Map<String, OvsPort> read(HypervisorTarget host, Collection<String> names) {
    return call(host, "read the ports", s -> s.ports(bridge, names));
  }

  /** The bridge's ports and external_ids, read in one request. */
  BridgeState state(HypervisorTarget host) {
    return call(host, "read the bridge", s -> s.bridge(bridge));
  }

  /** Fails with a clear error when the bridge is not there (or OVSDB cannot be reached). */
  void checkBridge(HypervisorTarget host) {
    call(host, "look up the bridge", s -> {
      if (!s.bridgeExists(bridge)) {
        throw missingBridge(host, s);
      }
      return null;
    });
  }

  /**
   * Runs {@code f} on a session. The bridge is looked up only when something failed (every read
   * and write fails on a missing bridge anyway), so the usual path costs one request.
   */
  private <T> T call(HypervisorTarget host, String what, Function<OvsdbSession, T> f) {
    try (OvsdbSession s = runtime.ovsdb().open(host.ovsdb(), runtime.timeouts().ovsdb())) {
      try {
        return f.apply(s);
      } catch (OvsdbException e) {
        if (!e.unreachable() && !bridgeExists(s)) {
          throw missingBridge(host, s);
        }
        throw e;
      }
    } catch (OvsdbException e) {
      String m = "could not " + what + " on bridge " + bridge + " of " + host.uri() + ": "
          + e.getMessage();
      throw e.unreachable() ? BackendException.unavailable(m, e) : BackendException.failed(m, e);
    }
  }

  private boolean bridgeExists(OvsdbSession s) {
    try {
      return s.bridgeExists(bridge);
    } catch (OvsdbException e) {
      return true; // cannot tell: report the original failure
    }
  }

  private ClientException missingBridge(HypervisorTarget host, OvsdbSession s) {
    return new ClientException("attribute 'OVS Bridge': bridge '" + bridge + "' does not exist"
        + " in the OVSDB of " + host.uri() + " (" + s.describe() + ")");
  }
}
