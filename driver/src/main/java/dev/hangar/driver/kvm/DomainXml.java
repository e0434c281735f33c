package dev.hangar.driver.kvm;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes domain XML with an XML writer: every user-supplied value is escaped as text or
 * attribute, never spliced into markup.
 */
final class DomainXml {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();
  private static final String[] DISK_DEVS = {"vda", "vdb", "vdc", "vdd"};
  /** Where a VM's VNC console listens on its hypervisor. */
  static final String VNC_LISTEN = "127.0.0.1";

  private DomainXml() {}

  static String write(DomainSpec spec) {
    return write(spec, null);
  }

  /** The domain XML with the sandbox's lease beside Hangar's metadata ({@code lease}: none). */
  static String write(DomainSpec spec, dev.hangar.driver.spi.SandboxLease lease) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      w.writeStartElement("domain");
      w.writeAttribute("type", spec.type());
      element(w, "name", spec.name());
      element(w, "uuid", spec.uuid().toString());
      w.writeStartElement("metadata");
      spec.metadata().write(w);
      if (lease != null) {
        KvmLease.write(w, lease);
      }
      w.writeEndElement();
      w.writeStartElement("memory");
      w.writeAttribute("unit", "MiB");
      w.writeCharacters(Long.toString(spec.memoryMiB()));
      w.writeEndElement();
      element(w, "vcpu", Integer.toString(spec.vcpus()));
      os(w, spec.boot());
      // ACPI: without it qemu runs with -no-acpi: PowerOff's graceful shutdown (the ACPI power
      // button) never reaches the guest, and the PCI bus takes no hot-plugged vNIC ("Bus 'pci.0'
      // does not support hotplugging").
      w.writeStartElement("features");
      w.writeEmptyElement("acpi");
      w.writeEndElement();
      element(w, "on_poweroff", "destroy");
      element(w, "on_reboot", "restart");
      element(w, "on_crash", "destroy");
      devices(w, spec);
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write domain XML", e);
    }
    return out.toString();
  }

  private static void os(XMLStreamWriter w, DomainSpec.Boot boot) throws XMLStreamException {
    w.writeStartElement("os");
    element(w, "type", "hvm");
    if (boot instanceof DomainSpec.KernelBoot k) {
      element(w, "kernel", k.kernel());
      if (!k.initrd().isEmpty()) {
        element(w, "initrd", k.initrd());
      }
      if (!k.cmdline().isEmpty()) {
        element(w, "cmdline", k.cmdline());
      }
    } else {
      w.writeEmptyElement("boot");
      w.writeAttribute("dev", "hd");
    }
    w.writeEndElement();
  }

  /**
   * The domain {@link #write} describes, as {@link DomainView#parse} reads it back: what Deploy
   * knows of the VM it just defined without asking libvirt (or parsing) again.
   */
  static DomainView view(DomainSpec spec) {
    List<DomainView.NicView> nics = new ArrayList<>();
    for (DomainSpec.Nic n : spec.nics()) {
      nics.add(n instanceof DomainSpec.NetworkNic net
          ? new DomainView.NicView(nics.size(), "network", n.mac(), net.network(), "")
          : new DomainView.NicView(nics.size(), "ethernet", n.mac(), "",
              ((DomainSpec.OvsNic) n).device()));
    }
    List<DomainView.DiskView> disks = new ArrayList<>();
    List<String> targets = diskTargets(spec);
    for (int i = 0; i < spec.disks().size(); i++) {
      DomainSpec.Disk d = spec.disks().get(i);
      disks.add(new DomainView.DiskView(d.cdrom() ? "cdrom" : "disk", targets.get(i), d.pool(),
          d.volume(), ""));
    }
    return new DomainView(spec.name(), spec.uuid().toString(), spec.metadata(), nics, disks,
        spec.memoryMiB() * 1024, spec.vcpus());
  }

  /** The target device of each disk, in order: vda, vdb, ... and sda for the CD-ROM. */
  private static List<String> diskTargets(DomainSpec spec) {
    List<String> out = new ArrayList<>();
    int disk = 0;
    for (DomainSpec.Disk d : spec.disks()) {
      out.add(d.cdrom() ? "sda" : DISK_DEVS[disk++]);
    }
    return out;
  }

  private static void devices(XMLStreamWriter w, DomainSpec spec) throws XMLStreamException {
    w.writeStartElement("devices");
    List<String> targets = diskTargets(spec);
    for (int i = 0; i < spec.disks().size(); i++) {
      disk(w, spec.disks().get(i), targets.get(i));
    }
    for (DomainSpec.Nic n : spec.nics()) {
      nic(w, n);
    }
    w.writeEmptyElement("serial");
    w.writeAttribute("type", "pty");
    w.writeEmptyElement("console");
    w.writeAttribute("type", "pty");
    // The console a user opens (get_vm_console): VNC on a port libvirt picks, listening on the
    // hypervisor's loopback only (it has no password), reached through the libvirt connection.
    w.writeStartElement("graphics");
    w.writeAttribute("type", "vnc");
    w.writeAttribute("autoport", "yes");
    w.writeEmptyElement("listen");
    w.writeAttribute("type", "address");
    w.writeAttribute("address", VNC_LISTEN);
    w.writeEndElement();
    w.writeEndElement();
  }

  /** One disk's {@code <disk>} element alone, as hot-plug takes it. */
  static String diskXml(DomainSpec.Disk d, String dev) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      disk(w, d, dev);
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write disk XML", e);
    }
    return out.toString();
  }

  private static void disk(XMLStreamWriter w, DomainSpec.Disk d, String dev)
      throws XMLStreamException {
    w.writeStartElement("disk");
    w.writeAttribute("type", "volume");
    w.writeAttribute("device", d.cdrom() ? "cdrom" : "disk");
    w.writeEmptyElement("driver");
    w.writeAttribute("name", "qemu");
    w.writeAttribute("type", d.format());
    w.writeEmptyElement("source");
    w.writeAttribute("pool", d.pool());
    w.writeAttribute("volume", d.volume());
    w.writeEmptyElement("target");
    w.writeAttribute("dev", dev);
    w.writeAttribute("bus", d.cdrom() ? "sata" : "virtio");
    if (d.cdrom()) {
      w.writeEmptyElement("readonly");
    }
    w.writeEndElement();
  }

  /** One vNIC's {@code <interface>} element alone, as hot-plug takes it. */
  static String nicXml(DomainSpec.Nic n) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      nic(w, n);
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write interface XML", e);
    }
    return out.toString();
  }

  /** Writes one vNIC; also used alone for hot-plug. */
  static void nic(XMLStreamWriter w, DomainSpec.Nic n) throws XMLStreamException {
    w.writeStartElement("interface");
    if (n instanceof DomainSpec.NetworkNic net) {
      w.writeAttribute("type", "network");
      w.writeEmptyElement("mac");
      w.writeAttribute("address", n.mac());
      w.writeEmptyElement("source");
      w.writeAttribute("network", net.network());
    } else {
      DomainSpec.OvsNic ovs = (DomainSpec.OvsNic) n;
      w.writeAttribute("type", "ethernet");
      w.writeEmptyElement("mac");
      w.writeAttribute("address", n.mac());
      w.writeEmptyElement("target");
      w.writeAttribute("dev", ovs.device());
    }
    w.writeEmptyElement("model");
    w.writeAttribute("type", "virtio");
    w.writeEndElement();
  }

  private static void element(XMLStreamWriter w, String name, String text)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(Names.xmlText(text));
    w.writeEndElement();
  }
}
