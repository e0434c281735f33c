package dev.hangar.driver.kvm;

import dev.hangar.driver.ovsdb.PortVlan;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.PlannedOperation.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of a {@link HostVlanBatch#preview}: per planned port, the vNICs it would
 * hot-plug first and its row change with the VLAN columns before and after.
 */
final class VlanPreview {
  private final String where;
  private final String bridge;
  /** Hot-plugged vNICs already listed: each goes with the first action that needs it. */
  private final Set<String> plugged = new HashSet<>();

  VlanPreview(String where, String bridge) {
    this.where = where;
    this.bridge = bridge;
  }

  List<PlannedOperation> operations(HostVlanBatch.PortPlan p) {
    List<PlannedOperation> list = new ArrayList<>();
    for (DomainSpec.OvsNic nic : p.vm().added()) {
      if (plugged.add(nic.device())) {
        list.add(new PlannedOperation(Op.CREATE, "vNIC", nic.device(), "", where, Map.of("vm",
            p.vm().view().name(), "nic", nic.index(), "hotPlug", true)));
        if (!nic.device().equals(p.device())) {
          // A gap before the requested index: plugged and parked, as the command does.
          list.add(row(Op.CREATE, nic.device(), nic.index(), null, PortVlan.parked()));
        }
      }
      if (nic.device().equals(p.device())) {
        break;
      }
    }
    PortVlan want = p.intent().vlan();
    Op op = p.before() == null ? Op.CREATE : p.before().equals(want) ? Op.EXISTS : Op.UPDATE;
    list.add(row(op, p.device(), p.index(), p.before(), want));
    return list;
  }

  private PlannedOperation row(Op op, String device, int nic, PortVlan before, PortVlan after) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("bridge", bridge);
    d.put("nic", nic);
    d.put("before", before == null ? null : columns(before));
    d.put("after", columns(after));
    return new PlannedOperation(op, "OVS port", device, "", where, d);
  }

  /** A port's VLAN columns as ovs-vsctl shows them ({@code []} for unset). */
  static Map<String, Object> columns(PortVlan v) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("tag", v.tag() == null ? List.of() : v.tag());
    c.put("trunks", List.copyOf(v.trunks()));
    c.put("vlan_mode", v.vlanMode() == null ? List.of() : v.vlanMode());
    return c;
  }
}
