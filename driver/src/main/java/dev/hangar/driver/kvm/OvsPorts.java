package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbException;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
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
      out.add(new OvsPort(n.device(), PortVlan.parked(), Map.of("iface-id",
          vmUuid + "-" + n.index(), "attached-mac", n.mac(), "vm-id", vmUuid,
          "hangar-sandbox", sandboxId)));
    }
    return out;
  }

  /**
   * Inserts the ports that are not there yet and returns their names. With {@code park}, a port
   * left by an earlier VM under the same name is parked again, so a new vNIC never starts out
   * on someone else's VLAN.
   */
  List<String> ensure(HypervisorTarget host, List<OvsPort> ports, boolean park) {
    return call(host, "create the vNIC ports", s -> {
      Map<String, OvsPort> existing = s.ports(bridge);
      List<OvsPort> missing = new ArrayList<>();
      Map<String, PortVlan> repark = new java.util.HashMap<>();
      for (OvsPort p : ports) {
        OvsPort old = existing.get(p.name());
        if (old == null) {
          missing.add(p);
        } else if (park && !old.vlan().isParked()) {
          repark.put(p.name(), PortVlan.parked());
        }
      }
      PortChanges changes = new PortChanges(missing, repark, List.of());
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

  Map<String, OvsPort> read(HypervisorTarget host) {
    return call(host, "read the ports", s -> s.ports(bridge));
  }

  private <T> T call(HypervisorTarget host, String what, Function<OvsdbSession, T> f) {
    try (OvsdbSession s = runtime.ovsdb().open(host.ovsdb(), runtime.timeouts().ovsdb())) {
      if (!s.bridgeExists(bridge)) {
        throw new dev.hangar.driver.ClientException("attribute 'OVS Bridge': bridge '" + bridge
            + "' does not exist in the OVSDB of " + host.uri() + " (" + s.describe() + ")");
      }
      return f.apply(s);
    } catch (OvsdbException e) {
      String m = "could not " + what + " on bridge " + bridge + " of " + host.uri() + ": "
          + e.getMessage();
      throw e.unreachable() ? BackendException.unavailable(m, e) : BackendException.failed(m, e);
    }
  }
}
