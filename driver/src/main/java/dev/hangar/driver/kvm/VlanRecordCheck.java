package dev.hangar.driver.kvm;

import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the VLANs the domains' metadata records follow their port rows after a setVlan recorded
 * them. Each port row is written whole in one OVSDB transaction, so a row is always one
 * request's VLAN; but when two hosts change one VM's ports at once, their metadata writes
 * (libvirt has no conditional one) may land in the other order than their transactions. So
 * after recording, a host reads the rows back (one read for the whole batch) and, for a VM whose
 * rows differ from what it recorded, reads the record again and records what the rows say, until
 * both agree. The last host to write a VM's record reads the rows after its write, and any later
 * row change is followed by its own record and read: once every host has returned, metadata and
 * rows agree.
 */
final class VlanRecordCheck {
  private static final Logger log = LoggerFactory.getLogger(VlanRecordCheck.class);
  private static final int MAX_ROUNDS = 5;

  /** A VM whose VLANs this request just recorded, and the record it wrote. */
  record Recorded(Domain domain, DomainView view, VmMetadata wrote) {}

  private VlanRecordCheck() {}

  /** Settles the records of {@code vms}; a failure is logged, never thrown (setVlan is done). */
  static void settle(Hypervisor host, OvsPorts ports, List<Recorded> vms) {
    if (vms.isEmpty()) {
      return;
    }
    try {
      Set<String> devices = new TreeSet<>();
      for (Recorded r : vms) {
        r.view().ovsNics().forEach(n -> devices.add(n.device()));
      }
      Map<String, OvsPort> rows = ports.read(host.target(), devices);
      List<Domain> behind = new ArrayList<>();
      for (Recorded r : vms) {
        Set<String> own = new TreeSet<>();
        r.view().ovsNics().forEach(n -> own.add(n.device()));
        if (!differing(r.wrote(), own, rows).isEmpty()) {
          behind.add(r.domain());
        }
      }
      for (Domain d : behind) {
        settle(host, ports, d);
      }
    } catch (LibvirtException | HangarException e) {
      log.warn("could not check the recorded VLANs against the port rows on {}: {}", host.uri(),
          e.getMessage());
    }
  }

  /** Re-reads one VM's record and rows until they agree (another host changed its ports). */
  private static void settle(Hypervisor host, OvsPorts ports, Domain domain)
      throws LibvirtException {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      DomainView view = DomainView.parse(domain.getXMLDesc(0));
      if (view.metadata() == null) {
        return;
      }
      Set<String> devices = new TreeSet<>();
      view.ovsNics().forEach(n -> devices.add(n.device()));
      Map<String, PortVlan> differ = differing(view.metadata(), devices,
          ports.read(host.target(), devices));
      if (differ.isEmpty()) {
        return;
      }
      log.info("another request changed the ports {} of {} meanwhile: recording their VLANs as"
          + " the rows have them", differ.keySet(), view.name());
      DomainEdits.writeMetadata(host, domain, view.metadata().withVlans(differ));
    }
  }

  /** The devices whose row is not what {@code record} says, with the row's VLAN. */
  private static Map<String, PortVlan> differing(VmMetadata record, Set<String> devices,
      Map<String, OvsPort> rows) {
    Map<String, PortVlan> differ = new LinkedHashMap<>();
    for (String device : devices) {
      OvsPort row = rows.get(device);
      if (row != null && !row.vlan().equals(record.vlanOf(device))) {
        differ.put(device, row.vlan());
      }
    }
    return differ;
  }
}
