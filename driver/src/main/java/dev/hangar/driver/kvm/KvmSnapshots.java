package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.SnapshotService;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;

/**
 * Snapshots of a KVM VM as libvirt <em>internal</em> snapshots: each is kept inside the VM's
 * qcow2 disk (and, with memory, the guest's RAM and device state beside it), and libvirt keeps
 * the tree (each snapshot's parent).
 *
 * <p>Why internal rather than external (overlay files): libvirt 9.0 (Debian 12) cannot revert to
 * an external snapshot nor delete one that is not the newest, so restore and remove would not
 * work; internal qcow2 snapshots revert with or without memory and delete with or without their
 * children. The price: they need a qcow2 disk (a "KVM VM From Kernel" app has no disk and is
 * refused), and a snapshot of a running VM pauses the guest while qemu writes its RAM.
 *
 * <p>A snapshot with memory restores the VM running where it was. A snapshot without memory of a
 * running VM is taken with the guest paused (qemu's internal snapshots of a running VM always
 * hold its RAM), and its restore leaves the VM <em>powered off</em> with its disks as they were:
 * the guest is never resumed from that RAM. A snapshot of a stopped VM restores it stopped.
 */
final class KvmSnapshots implements SnapshotService {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();
  /** Marks a snapshot whose RAM the user did not ask for: its restore powers the VM off. */
  static final String DISK_ONLY = "Hangar snapshot without memory: restoring it leaves the VM"
      + " powered off";
  /** VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN. */
  private static final int DELETE_CHILDREN = 1;

  private final VmAccess access;

  KvmSnapshots(VmAccess access) {
    this.access = access;
  }

  @Override
  public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
    if (name == null || name.isBlank() || name.contains("/")
        || !Names.xmlText(name).equals(name)) {
      throw new ClientException("snapshot name '" + name + "' is not allowed: it must not be"
          + " blank or contain '/' or control characters");
    }
    return access.locked(vm, scope, "snapshot", (host, domain) -> {
      Tree tree = tree(domain);
      if (tree.parents().containsKey(name)) {
        throw new ClientException("VM of app '" + vm.resourceName() + "' already has a snapshot"
            + " named '" + name + "' (" + tree.pathOf(name) + "); choose another name");
      }
      String xml = snapshotXml(name, withMemory, domain, vm);
      boolean running = domain.isActive() == 1;
      scope.checkCancelled("taking snapshot " + name);
      scope.progress("Taking snapshot '" + name + "' of " + vm.resourceName()
          + (running && withMemory ? " with its memory" : ""));
      if (running && !withMemory) {
        // Paused: the snapshot's state is "paused", and a restore never resumes its RAM.
        host.change(() -> {
          domain.suspend();
          return null;
        });
        try {
          create(host, domain, xml);
        } finally {
          host.change(() -> {
            domain.resume();
            return null;
          });
        }
      } else {
        create(host, domain, xml);
      }
      return tree(domain).pathOf(name);
    });
  }

  private static void create(Hypervisor host, Domain domain, String xml)
      throws LibvirtException {
    host.change(() -> domain.snapshotCreateXML(xml, 0)).free();
  }

  @Override
  public List<String> list(DeployedVm vm, CommandScope scope) {
    return access.unlocked(vm, "list the snapshots of", (host, domain) -> tree(domain).paths());
  }

  @Override
  public void restore(DeployedVm vm, String path, CommandScope scope) {
    access.locked(vm, scope, "restore a snapshot of", (host, domain) -> {
      Tree tree = tree(domain);
      String name = tree.find(path, vm);
      if (name == null) {
        throw unknown(vm, path, tree);
      }
      DomainSnapshot snap = domain.snapshotLookupByName(name);
      try {
        Element x = Xml.parse(snap.getXMLDesc());
        boolean diskOnly = DISK_ONLY.equals(Xml.text(Xml.child(x, "description")));
        scope.checkCancelled("restoring snapshot " + path);
        scope.progress("Restoring " + vm.resourceName() + " to snapshot '" + path + "'");
        host.change(() -> domain.revertToSnapshot(snap));
        if (diskOnly && domain.isActive() == 1) {
          host.change(() -> {
            domain.destroy();
            return null;
          });
        }
      } finally {
        snap.free();
      }
      return null;
    });
  }

  @Override
  public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
    access.locked(vm, scope, "remove a snapshot of", (host, domain) -> {
      Tree tree = tree(domain);
      String name = tree.find(path, vm);
      if (name == null) {
        return null; // already gone
      }
      scope.progress("Removing snapshot '" + path + "' of " + vm.resourceName()
          + (withChildren ? " and its children" : ""));
      try {
        DomainSnapshot snap = domain.snapshotLookupByName(name);
        try {
          host.change(() -> snap.delete(withChildren ? DELETE_CHILDREN : 0));
        } finally {
          snap.free();
        }
      } catch (LibvirtException e) {
        if (!isNoSnapshot(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  private static ClientException unknown(DeployedVm vm, String path, Tree tree) {
    List<String> there = tree.paths();
    return new ClientException("VM of app '" + vm.resourceName() + "' has no snapshot '" + path
        + "'; its snapshots: " + (there.isEmpty() ? "none" : String.join(", ", there)));
  }

  /** The snapshot XML: internal disk snapshots of the writable qcow2 disks, memory as asked. */
  private static String snapshotXml(String name, boolean withMemory, Domain domain,
      DeployedVm vm) throws LibvirtException {
    boolean running = domain.isActive() == 1;
    List<String> qcow2 = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Element devices = Xml.child(Xml.parse(domain.getXMLDesc(0)), "devices");
    for (Element d : Xml.children(devices, "disk")) {
      String target = Xml.attr(Xml.child(d, "target"), "dev");
      boolean readOnly = Xml.child(d, "readonly") != null
          || !"disk".equals(Xml.attr(d, "device"));
      if (readOnly) {
        skipped.add(target);
      } else if ("qcow2".equals(Xml.attr(Xml.child(d, "driver"), "type"))) {
        qcow2.add(target);
      } else {
        throw new ClientException("VM of app '" + vm.resourceName() + "': disk " + target
            + " is not qcow2; KVM snapshots are internal qcow2 snapshots");
      }
    }
    if (qcow2.isEmpty()) {
      throw new ClientException("VM of app '" + vm.resourceName() + "' has no qcow2 disk (a"
          + " 'KVM VM From Kernel' app boots a kernel directly): KVM snapshots are kept inside"
          + " the VM's qcow2 disk, so this VM cannot have any");
    }
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      w.writeStartElement("domainsnapshot");
      w.writeStartElement("name");
      w.writeCharacters(name);
      w.writeEndElement();
      if (!withMemory && running) {
        w.writeStartElement("description");
        w.writeCharacters(DISK_ONLY);
        w.writeEndElement();
      }
      w.writeEmptyElement("memory");
      // qemu's internal snapshot of a running VM always holds its RAM; of a stopped one, none.
      w.writeAttribute("snapshot", running ? "internal" : "no");
      w.writeStartElement("disks");
      for (String t : qcow2) {
        w.writeEmptyElement("disk");
        w.writeAttribute("name", t);
        w.writeAttribute("snapshot", "internal");
      }
      for (String t : skipped) {
        w.writeEmptyElement("disk");
        w.writeAttribute("name", t);
        w.writeAttribute("snapshot", "no");
      }
      w.writeEndElement();
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write snapshot XML", e);
    }
    return out.toString();
  }

  /** The VM's snapshots: each name's parent ("" for a root) and creation time. */
  private record Tree(Map<String, String> parents, Map<String, Long> created) {
    /** Every path, each parent before its children, siblings oldest first. */
    List<String> paths() {
      List<String> out = new ArrayList<>();
      walk("", "", out);
      return out;
    }

    private void walk(String parent, String prefix, List<String> out) {
      List<String> kids = parents.entrySet().stream().filter(e -> e.getValue().equals(parent))
          .map(Map.Entry::getKey).sorted(Comparator.comparing((String n) -> created.get(n))
              .thenComparing(Comparator.naturalOrder())).toList();
      for (String k : kids) {
        String p = prefix.isEmpty() ? k : prefix + "/" + k;
        out.add(p);
        walk(k, p, out);
      }
    }

    String pathOf(String name) {
      StringBuilder b = new StringBuilder(name);
      String p = parents.getOrDefault(name, "");
      for (int guard = 0; !p.isEmpty() && guard < parents.size(); guard++) {
        b.insert(0, p + "/");
        p = parents.getOrDefault(p, "");
      }
      return b.toString();
    }

    /** The snapshot's name when {@code path} is its path (or its bare name), else null. */
    String find(String path, DeployedVm vm) {
      if (path == null || path.isBlank()) {
        throw new ClientException("VM of app '" + vm.resourceName() + "': no snapshot named;"
            + " its snapshots: " + (paths().isEmpty() ? "none" : String.join(", ", paths())));
      }
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (!parents.containsKey(name)) {
        return null;
      }
      return path.contains("/") && !pathOf(name).equals(path) ? null : name;
    }
  }

  private static Tree tree(Domain domain) throws LibvirtException {
    Map<String, String> parents = new LinkedHashMap<>();
    Map<String, Long> created = new LinkedHashMap<>();
    for (String n : domain.snapshotListNames(0)) {
      DomainSnapshot s;
      try {
        s = domain.snapshotLookupByName(n);
      } catch (LibvirtException e) {
        if (isNoSnapshot(e)) {
          continue; // removed meanwhile
        }
        throw e;
      }
      try {
        Element x = Xml.parse(s.getXMLDesc());
        parents.put(n, Xml.text(Xml.path(x, "parent", "name")));
        created.put(n, parseLong(Xml.text(Xml.child(x, "creationTime"))));
      } finally {
        s.free();
      }
    }
    return new Tree(parents, created);
  }

  private static boolean isNoSnapshot(LibvirtException e) {
    return e.getError() != null
        && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN_SNAPSHOT;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
