package dev.hangar.driver.kvm;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** What guests a hypervisor runs, from its capabilities XML. */
final class GuestCapabilities {
  private GuestCapabilities() {}

  /**
   * The domain type for hvm guests of the host's architecture: {@code kvm} when the host has
   * it, else {@code qemu} (TCG), else the first the driver offers ({@code test} on test:///).
   */
  static String domainType(String capabilitiesXml) {
    Element caps = Xml.parse(capabilitiesXml);
    String hostArch = Xml.text(Xml.path(caps, "host", "cpu", "arch"));
    List<String> types = new ArrayList<>();
    List<String> fallback = new ArrayList<>();
    for (Element guest : Xml.children(caps, "guest")) {
      if (!"hvm".equals(Xml.text(Xml.child(guest, "os_type")))) {
        continue;
      }
      for (Element arch : Xml.children(guest, "arch")) {
        List<String> target = Xml.attr(arch, "name").equals(hostArch) ? types : fallback;
        for (Element d : Xml.children(arch, "domain")) {
          target.add(Xml.attr(d, "type"));
        }
      }
    }
    List<String> all = types.isEmpty() ? fallback : types;
    if (all.contains("kvm")) {
      return "kvm";
    }
    if (all.contains("qemu")) {
      return "qemu";
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("the hypervisor offers no hvm guests");
    }
    return all.get(0);
  }
}
