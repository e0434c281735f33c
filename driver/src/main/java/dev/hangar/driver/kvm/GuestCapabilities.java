package dev.hangar.driver.kvm;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** What guests a hypervisor runs, from its capabilities XML. */
final class GuestCapabilities {
  private GuestCapabilities() {}

  /**
   * The domain types the host offers for hvm guests of its architecture (of any architecture
   * when it has none for its own): {@code kvm}, {@code qemu} (TCG), or the driver's own
   * ({@code test} on test:///).
   */
  static List<String> domainTypes(String capabilitiesXml) {
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
    if (all.isEmpty()) {
      throw new IllegalStateException("the hypervisor offers no hvm guests");
    }
    return all.stream().distinct().toList();
  }
}
