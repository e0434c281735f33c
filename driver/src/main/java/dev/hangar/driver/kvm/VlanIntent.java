package dev.hangar.driver.kvm;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.VlanSpec;
import dev.hangar.datamodel.request.RemoveVlan;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.request.VlanMode;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What one setVlan/removeVlan asks of one VM's vNIC: the VM, which vNIC (an index, a device
 * name or a MAC; none = the first parked one), and the VLAN columns its port must end with. On a
 * VXLAN provider a setVlan names a VNI, and its VLAN (the host-local one the VNI maps to on the
 * VM's hypervisor) is null until {@link #onHostVlan} sets it.
 */
record VlanIntent(VlanAction action, UUID vm, String hostHint, Integer nicIndex, String nicKey,
    PortVlan vlan, Integer vni) {
  boolean removes() {
    return action instanceof RemoveVlan;
  }

  /** This VNI intent with the host-local VLAN its VNI maps to on the VM's hypervisor. */
  VlanIntent onHostVlan(int tag) {
    return new VlanIntent(action, vm, hostHint, nicIndex, nicKey, PortVlan.access(tag), vni);
  }

  /** How the port ends up, for messages: "VLAN 10 (access)", "VNI 5000 (host VLAN 1)". */
  String describe() {
    return vni == null || vlan == null ? describe(vlan)
        : "VNI " + vni + " (host VLAN " + vlan.tag() + ")";
  }

  /** {@link #of(VlanAction, SegmentKind)} for a VLAN provider. */
  static VlanIntent of(VlanAction a) {
    return of(a, SegmentKind.VLAN);
  }

  /**
   * Reads an action the request validator accepted, its ids read as {@code kind}.
   *
   * @throws ClientException for what this fabric cannot do, with the reason
   */
  static VlanIntent of(VlanAction a, SegmentKind kind) {
    String uuid = a.vmUuid();
    if (uuid == null || uuid.isBlank()) {
      throw new ClientException(a.type() + " has no VM_UUID custom attribute; the server sends"
          + " the deployed VM's id there");
    }
    UUID vm;
    try {
      vm = UUID.fromString(uuid.strip());
    } catch (IllegalArgumentException e) {
      throw new ClientException("VM_UUID '" + uuid + "' is not a VM uuid of this provider");
    }
    String hint = a.customAttribute(KvmCompute.HYPERVISOR);
    Integer index = null;
    String key = null;
    String vnic = a.vnicName();
    if (vnic != null && !vnic.isBlank()) {
      String v = vnic.strip();
      if (v.matches("\\d{1,2}")) {
        index = Integer.valueOf(v);
      } else {
        key = v.toLowerCase(Locale.ROOT);
      }
    }
    if (a instanceof RemoveVlan) {
      String mac = a.interfaceMac();
      if (mac != null && !mac.isBlank()) {
        key = mac.strip().toLowerCase(Locale.ROOT);
        index = null;
      } else if (index == null && key == null) {
        throw new ClientException("removeVlan names no vNIC: it needs the Interface (the MAC"
            + " setVlan returned) or a Vnic Name");
      }
      return new VlanIntent(a, vm, hint, index, key, PortVlan.parked(), null);
    }
    if (kind == SegmentKind.VXLAN) {
      return new VlanIntent(a, vm, hint, index, key, null, vni(a));
    }
    return new VlanIntent(a, vm, hint, index, key, target(a), null);
  }

  /**
   * The VNI of a setVlan on a VXLAN provider. A vNIC joins one VNI, as an access port: a Trunk
   * (several VNIs on one vNIC) and QnQ are refused.
   */
  private static int vni(VlanAction a) {
    if (a.connectionParams().qinq()) {
      throw new ClientException("QnQ is not supported with VLAN Type VXLAN: a VNI is carried"
          + " as a host-local access VLAN; set QnQ to False");
    }
    if (a.connectionParams().vlanMode() == VlanMode.TRUNK) {
      throw new ClientException("Trunk mode is not supported with VLAN Type VXLAN: a vNIC"
          + " joins one VNI in Access mode; connect one vNIC per VNI instead");
    }
    return a.connectionParams().vlans(SegmentKind.VXLAN).single();
  }

  private static PortVlan target(VlanAction a) {
    VlanSpec vlans = a.connectionParams().vlans();
    boolean trunk = a.connectionParams().vlanMode() == VlanMode.TRUNK;
    if (a.connectionParams().qinq()) {
      if (trunk) {
        throw new ClientException("QnQ with Trunk mode is not supported: a dot1q-tunnel port has"
            + " one service VLAN and carries every customer VLAN; use Access mode with QnQ");
      }
      return PortVlan.dot1qTunnel(vlans.single());
    }
    return trunk ? PortVlan.trunk(new TreeSet<>(vlans.toList())) : PortVlan.access(vlans.single());
  }

  /** How the port ends up, for messages: "VLAN 10 (access)". */
  static String describe(PortVlan v) {
    if (v.isParked()) {
      return "parked on VLAN " + PortVlan.PARKED_TAG;
    }
    if ("trunk".equals(v.vlanMode())) {
      return "trunk of VLANs " + VlanSpec.parse(join(v));
    }
    if ("dot1q-tunnel".equals(v.vlanMode())) {
      return "service VLAN " + v.tag() + " (QnQ)";
    }
    return "VLAN " + v.tag() + " (access)";
  }

  private static String join(PortVlan v) {
    StringBuilder b = new StringBuilder();
    for (int t : v.trunks()) {
      b.append(b.length() == 0 ? "" : ",").append(t);
    }
    return b.toString();
  }
}
