package dev.hangar.driver.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Element;

/** What Hangar reads back from a domain's XML: its NICs, disks and Hangar metadata. */
record DomainView(String name, String uuid, VmMetadata metadata, List<NicView> nics,
    List<DiskView> disks, long memoryKiB, int vcpus) {
  DomainView {
    nics = List.copyOf(nics);
    disks = List.copyOf(disks);
  }

  /** A vNIC in device order: index 0 is eth0. {@code device} is the tap (OVS port) name. */
  record NicView(int index, String type, String mac, String network, String device) {
    boolean onOvs() {
      return "ethernet".equals(type) && device.startsWith("hg");
    }
  }

  record DiskView(String device, String target, String pool, String volume, String file) {}

  static DomainView parse(String xml) {
    Element d = Xml.parse(xml);
    Element devices = Xml.child(d, "devices");
    List<NicView> nics = new ArrayList<>();
    for (Element i : Xml.children(devices, "interface")) {
      nics.add(new NicView(nics.size(), Xml.attr(i, "type"),
          Xml.attr(Xml.child(i, "mac"), "address").toLowerCase(Locale.ROOT),
          Xml.attr(Xml.child(i, "source"), "network"),
          Xml.attr(Xml.child(i, "target"), "dev")));
    }
    List<DiskView> disks = new ArrayList<>();
    for (Element disk : Xml.children(devices, "disk")) {
      Element src = Xml.child(disk, "source");
      disks.add(new DiskView(Xml.attr(disk, "device"), Xml.attr(Xml.child(disk, "target"), "dev"),
          Xml.attr(src, "pool"), Xml.attr(src, "volume"), Xml.attr(src, "file")));
    }
    long mem = parseLong(Xml.text(Xml.child(d, "memory")));
    String unit = Xml.attr(Xml.child(d, "memory"), "unit");
    if (unit.equals("MiB")) {
      mem *= 1024;
    }
    return new DomainView(Xml.text(Xml.child(d, "name")), Xml.text(Xml.child(d, "uuid")),
        VmMetadata.fromDomain(d), nics, disks, mem,
        (int) parseLong(Xml.text(Xml.child(d, "vcpu"))));
  }

  List<NicView> ovsNics() {
    return nics.stream().filter(NicView::onOvs).toList();
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
