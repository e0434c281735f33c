package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * The vNICs of a VM in a {@link HostVlanBatch} as the request sees them: those its definition
 * has and those the batch is about to hot-plug ({@link HostVlanBatch.Vm#added}), found by the
 * index, MAC or device an action names. Apart from the batch's ports and results, so the batch
 * keeps only the planning and writing of one request.
 */
final class BatchNics {
  private BatchNics() {}

  /** Plans vNICs up to {@code index} (no gaps); returns the last. */
  static DomainView.NicView plugUpTo(HostVlanBatch.Vm vm, int index) {
    if (index >= Names.MAX_NICS) {
      throw new ClientException("vNIC " + index + " is past the limit of " + Names.MAX_NICS
          + " vNICs per VM");
    }
    DomainSpec.OvsNic last = null;
    for (int n = nicCount(vm); n <= index; n++) {
      last = new DomainSpec.OvsNic(n, Names.randomMac(), Names.tapName(vm.uuid(), n));
      vm.added().add(last);
    }
    return new DomainView.NicView(last.index(), "ethernet", last.mac(), "", last.device());
  }

  static List<DomainView.NicView> allNics(HostVlanBatch.Vm vm) {
    List<DomainView.NicView> out = new ArrayList<>(vm.view().nics());
    for (DomainSpec.OvsNic n : vm.added()) {
      out.add(new DomainView.NicView(n.index(), "ethernet", n.mac(), "", n.device()));
    }
    return out;
  }

  static int nicCount(HostVlanBatch.Vm vm) {
    return vm.view().nics().size() + vm.added().size();
  }

  static DomainView.NicView find(VlanIntent i, HostVlanBatch.Vm vm) {
    for (DomainView.NicView nic : allNics(vm)) {
      if (i.nicIndex() != null ? nic.index() == i.nicIndex()
          : i.nicKey().equals(nic.mac()) || i.nicKey().equals(nic.device())) {
        return nic;
      }
    }
    return null;
  }

  static void requireOvs(DomainView.NicView nic, HostVlanBatch.Vm vm) {
    if (!nic.onOvs()) {
      throw new ClientException("vNIC " + nic.index() + " (" + nic.mac() + ") of "
          + vm.view().name() + " is on the management network '" + nic.network()
          + "', not on Open vSwitch; VLANs go on vNIC 1 and later");
    }
  }

  static String requested(VlanIntent i) {
    return i.nicIndex() != null ? String.valueOf(i.nicIndex()) : "'" + i.nicKey() + "'";
  }

  static String describe(HostVlanBatch.Vm vm) {
    List<String> out = new ArrayList<>();
    for (DomainView.NicView n : allNics(vm)) {
      out.add(n.index() + " (" + n.mac() + (n.onOvs() ? "" : ", management") + ")");
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }
}
