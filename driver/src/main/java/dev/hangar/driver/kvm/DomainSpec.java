package dev.hangar.driver.kvm;

import java.util.List;
import java.util.UUID;

/** Everything a domain definition says, before it becomes XML. */
record DomainSpec(String name, UUID uuid, String type, long memoryMiB, int vcpus, Boot boot,
    List<Disk> disks, List<Nic> nics, VmMetadata metadata) {
  DomainSpec {
    disks = List.copyOf(disks);
    nics = List.copyOf(nics);
  }

  /** How the guest boots. */
  sealed interface Boot {}

  /** From its first disk. */
  record DiskBoot() implements Boot {}

  /** Direct kernel boot; {@code initrd} may be empty. */
  record KernelBoot(String kernel, String initrd, String cmdline) implements Boot {}

  /** A volume of a storage pool as a disk or (read-only) CD-ROM. */
  record Disk(String pool, String volume, String format, boolean cdrom) {}

  /** A vNIC: on a libvirt network (management) or an OVS port on a tap of its own. */
  sealed interface Nic {
    int index();

    String mac();
  }

  record NetworkNic(int index, String mac, String network) implements Nic {}

  record OvsNic(int index, String mac, String device) implements Nic {}
}
