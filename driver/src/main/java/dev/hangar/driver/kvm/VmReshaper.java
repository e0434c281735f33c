package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.Rollback;
import dev.hangar.driver.spi.VmReshape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;

/**
 * reconfigure_vm on KVM. vCPUs and memory change in the VM's definition, so the VM must be
 * stopped (a running guest keeps what it booted with: asking for a change is a client error
 * saying to power it off). Disks grow (the volume on a stopped VM, a live block resize on a
 * running one) and never shrink; a disk number one past the last adds a new qcow2 volume in the
 * pool, attached as the next free virtio target and recorded in Hangar's metadata (so
 * DeleteInstance removes it). More vCPUs or memory count against the provider's Quotas as a
 * Deploy does. Everything is checked before anything changes; a step that fails undoes the
 * earlier ones, newest first.
 */
final class VmReshaper {
  private static final long GIB = 1024L * 1024 * 1024;
  /** VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_AFFECT_CONFIG, VIR_DOMAIN_XML_INACTIVE. */
  private static final int LIVE = 1;
  private static final int CONFIG = 2;
  private static final int XML_INACTIVE = 2;
  /** VIR_DOMAIN_BLOCK_RESIZE_BYTES; VIR_STORAGE_VOL_RESIZE_SHRINK. */
  private static final int RESIZE_BYTES = 1;
  private static final int VOL_SHRINK = 4;

  private final KvmSettings settings;
  private final Consumer<CommandScope> quotaCheck;

  /**
   * @param quotaCheck counts the provider's quotas with the new definition in place (vCPUs and
   *     memory count against them as at Deploy); throws when one is exceeded
   */
  VmReshaper(KvmSettings settings, Consumer<CommandScope> quotaCheck) {
    this.settings = settings;
    this.quotaCheck = quotaCheck;
  }

  /** A disk of the VM, numbered from 1 in definition order. */
  private record Disk(int number, String target, String pool, String volume) {}

  /** A disk that grows: its volume, and its size before and after. */
  private record Growth(Disk disk, StorageVol vol, long fromBytes, long toBytes) {}

  void reshape(Hypervisor host, Domain domain, DeployedVm vm, VmReshape change,
      CommandScope scope) throws LibvirtException {
    String app = "VM of app '" + vm.resourceName() + "'";
    String inactive = domain.getXMLDesc(XML_INACTIVE);
    DomainView view = DomainView.parse(inactive);
    boolean running = domain.isActive() == 1;
    boolean cpuChange = change.cpus().isPresent() && change.cpus().getAsInt() != view.vcpus();
    boolean memChange = change.memoryMib().isPresent()
        && change.memoryMib().getAsLong() * 1024 != view.memoryKiB();
    if (running && (cpuChange || memChange)) {
      throw new ClientException(app + " is running: KVM changes its vCPUs and memory only while"
          + " it is powered off (it has " + view.vcpus() + " vCPUs and " + view.memoryKiB() / 1024
          + " MiB); power it off, reconfigure, then power it on");
    }
    List<Disk> disks = disks(inactive);
    List<Growth> growths = new ArrayList<>();
    List<Long> added = new ArrayList<>();
    for (Map.Entry<Integer, Long> e : new TreeMap<>(change.diskGib()).entrySet()) {
      int n = e.getKey();
      long bytes = e.getValue() * GIB;
      if (n >= 1 && n <= disks.size()) {
        Disk d = disks.get(n - 1);
        if (d.volume().isEmpty()) {
          throw new ClientException(app + ": disk " + n + " (" + d.target() + ") is not a"
              + " volume of a storage pool; Hangar cannot resize it");
        }
        StorageVol vol = Volumes.pool(host, d.pool()).storageVolLookupByName(d.volume());
        long now = vol.getInfo().capacity;
        if (bytes < now) {
          throw new ClientException(app + ": disk " + n + " (" + d.target() + ") is "
              + gib(now) + " GB; a disk only grows, it cannot shrink to " + e.getValue() + " GB");
        }
        if (bytes > now) {
          growths.add(new Growth(d, vol, now, bytes));
        }
      } else if (n == disks.size() + added.size() + 1) {
        added.add(bytes);
      } else {
        throw new ClientException(app + " has " + disks.size() + " disk"
            + (disks.size() == 1 ? "" : "s") + ": disk " + n + " does not exist, and the next"
            + " new disk is number " + (disks.size() + added.size() + 1));
      }
    }
    if (!cpuChange && !memChange && growths.isEmpty() && added.isEmpty()) {
      return;
    }
    int snapshots = domain.snapshotNum();
    if (!growths.isEmpty() && snapshots > 0) {
      // qemu cannot resize a qcow2 image that holds internal snapshots.
      throw new ClientException(app + " has " + snapshots + " snapshot"
          + (snapshots == 1 ? "" : "s") + ": its disks cannot grow while it has any; remove"
          + " them first (remote_remove_snapshot)");
    }
    scope.checkCancelled("reconfiguring " + vm.resourceName());
    Rollback rollback = new Rollback(LibvirtErrors::describe);
    try {
      if (cpuChange || memChange) {
        String reshaped = withCpuAndMemory(inactive, change);
        host.change(() -> host.connect().domainDefineXML(reshaped)).free();
        rollback.push("the vCPUs and memory of " + view.name(),
            () -> host.change(() -> host.connect().domainDefineXML(inactive)).free());
        // Counted like a Deploy: after the change, which is undone when it goes over a quota.
        quotaCheck.accept(scope);
      }
      if (!added.isEmpty()) {
        addDisks(host, domain, view, disks, added, running, rollback);
      }
      for (Growth g : growths) {
        grow(host, domain, g, running, rollback);
      }
      scope.progress("Reconfigured " + view.name() + describe(change));
      rollback.commit();
    } catch (RuntimeException e) {
      throw rollback.undoAfter(e);
    } catch (LibvirtException e) {
      throw rollback.undoAfter(LibvirtErrors.wrap("reconfigure " + view.name(), host.uri(), e));
    }
  }

  private void addDisks(Hypervisor host, Domain domain, DomainView view, List<Disk> disks,
      List<Long> sizes, boolean running, Rollback rollback) throws LibvirtException {
    StoragePool pool = Volumes.pool(host, settings.storagePool());
    Set<String> targets = new HashSet<>();
    for (DomainView.DiskView d : view.disks()) {
      targets.add(d.target());
    }
    Set<String> taken = new HashSet<>(List.of(pool.listVolumes()));
    List<String> volumes = new ArrayList<>(view.metadata() == null ? List.of()
        : view.metadata().volumes());
    int next = disks.size();
    for (long bytes : sizes) {
      String name = view.name() + "-disk" + next + ".qcow2";
      for (int i = 2; taken.contains(name); i++) {
        name = view.name() + "-disk" + next + "-" + i + ".qcow2";
      }
      taken.add(name);
      next++;
      String volName = name;
      StorageVol vol = host.change(() -> pool.storageVolCreateXML(
          Volumes.volumeXml(volName, bytes, "qcow2", null, null), 0));
      rollback.push("volume " + volName, () -> Volumes.delete(vol));
      String target = freeTarget(targets);
      targets.add(target);
      String xml = DomainXml.diskXml(new DomainSpec.Disk(settings.storagePool(), volName,
          "qcow2", false), target);
      attach(host, domain, xml, running, view.name(), target, rollback);
      volumes.add(settings.storagePool() + "/" + volName);
    }
    if (view.metadata() != null) {
      VmMetadata before = view.metadata();
      VmMetadata after = before.withVolumes(volumes);
      DomainEdits.writeMetadata(host, domain, after);
      rollback.push("the metadata of " + view.name(),
          () -> DomainEdits.writeMetadata(host, domain, before));
    }
  }

  /**
   * Attaches the disk, live and in the definition; a stopped VM on a driver without device
   * attach (libvirt's test driver) gets it by a redefinition.
   */
  private static void attach(Hypervisor host, Domain domain, String xml, boolean running,
      String vmName, String target, Rollback rollback) throws LibvirtException {
    try {
      host.change(() -> {
        domain.attachDeviceFlags(xml, running ? LIVE | CONFIG : CONFIG);
        return null;
      });
      rollback.push("disk " + target + " of " + vmName, () -> host.change(() -> {
        domain.detachDeviceFlags(xml, domain.isActive() == 1 ? LIVE | CONFIG : CONFIG);
        return null;
      }));
    } catch (LibvirtException e) {
      if (running || !LibvirtErrors.isUnsupported(e)) {
        throw e;
      }
      String before = domain.getXMLDesc(XML_INACTIVE);
      Element d = Xml.parse(before);
      Element devices = Xml.child(d, "devices");
      devices.appendChild(d.getOwnerDocument().importNode(Xml.parse(xml), true));
      String after = DomainEdits.serialize(d);
      host.change(() -> host.connect().domainDefineXML(after)).free();
      rollback.push("disk " + target + " of " + vmName,
          () -> host.change(() -> host.connect().domainDefineXML(before)).free());
    }
  }

  private static void grow(Hypervisor host, Domain domain, Growth g, boolean running,
      Rollback rollback) throws LibvirtException {
    if (running) {
      // qemu holds the image: it resizes it and tells the guest.
      host.change(() -> {
        domain.blockResize(g.disk().target(), g.toBytes(), RESIZE_BYTES);
        return null;
      });
      rollback.push("the growth of disk " + g.disk().number() + " (a disk in use cannot"
          + " shrink back)", () -> {
            throw new IllegalStateException("disk " + g.disk().target() + " stays at "
                + gib(g.toBytes()) + " GB");
          });
    } else {
      host.change(() -> g.vol().resize(g.toBytes(), 0));
      rollback.push("the growth of disk " + g.disk().number(),
          () -> host.change(() -> g.vol().resize(g.fromBytes(), VOL_SHRINK)));
    }
  }

  /** The disks (not CD-ROMs) in definition order. */
  private static List<Disk> disks(String xml) {
    List<Disk> out = new ArrayList<>();
    Element devices = Xml.child(Xml.parse(xml), "devices");
    for (Element d : Xml.children(devices, "disk")) {
      if (!"disk".equals(Xml.attr(d, "device"))) {
        continue;
      }
      Element src = Xml.child(d, "source");
      out.add(new Disk(out.size() + 1, Xml.attr(Xml.child(d, "target"), "dev"),
          Xml.attr(src, "pool"), Xml.attr(src, "volume")));
    }
    return out;
  }

  private static String freeTarget(Set<String> taken) {
    for (char c = 'a'; c <= 'z'; c++) {
      if (!taken.contains("vd" + c)) {
        return "vd" + c;
      }
    }
    throw new ClientException("the VM has no free disk target left (vda to vdz)");
  }

  /** The inactive definition with the new vCPU count and memory (current = maximum). */
  private static String withCpuAndMemory(String xml, VmReshape change) {
    Element d = Xml.parse(xml);
    if (change.cpus().isPresent()) {
      Element vcpu = Xml.child(d, "vcpu");
      vcpu.removeAttribute("current");
      vcpu.setTextContent(Integer.toString(change.cpus().getAsInt()));
      // Explicit per-vCPU settings would no longer match the count.
      Element vcpus = Xml.child(d, "vcpus");
      if (vcpus != null) {
        d.removeChild(vcpus);
      }
    }
    if (change.memoryMib().isPresent()) {
      String kib = Long.toString(change.memoryMib().getAsLong() * 1024);
      for (String name : List.of("memory", "currentMemory")) {
        Element m = Xml.child(d, name);
        if (m != null) {
          m.setAttribute("unit", "KiB");
          m.setTextContent(kib);
        }
      }
      Element max = Xml.child(d, "maxMemory");
      if (max != null) {
        d.removeChild(max);
      }
    }
    return DomainEdits.serialize(d);
  }

  private static String describe(VmReshape c) {
    StringBuilder b = new StringBuilder(":");
    c.cpus().ifPresent(n -> b.append(" ").append(n).append(" vCPUs;"));
    c.memoryMib().ifPresent(m -> b.append(" ").append(m).append(" MiB;"));
    new TreeMap<>(c.diskGib()).forEach((n, g) -> b.append(" disk ").append(n).append(' ')
        .append(g).append(" GB;"));
    return b.substring(0, b.length() - 1);
  }

  private static String gib(long bytes) {
    return bytes % GIB == 0 ? Long.toString(bytes / GIB)
        : String.format(java.util.Locale.ROOT, "%.2f", bytes / (double) GIB);
  }
}
