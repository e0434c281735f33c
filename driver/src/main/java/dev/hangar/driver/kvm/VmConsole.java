package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;

/**
 * get_vm_console on KVM. Deploy gives every VM a VNC display listening on its hypervisor's
 * loopback (no password, so never on the network) and a serial console. A running VM's console
 * is: kind {@code vnc}, the live {@code vnc://127.0.0.1:PORT} (valid on the hypervisor itself),
 * and a {@code virt-viewer --connect URI UUID} command that reaches the display from anywhere the
 * libvirt URI works (over SSH for {@code qemu+ssh://}); the note names the serial console's
 * {@code virsh console} too. A VM without a VNC display (made before Deploy added one, or on a
 * driver that opens none) gets kind {@code serial} and the {@code virsh console} command. A
 * stopped VM has no console: a client error says to power it on.
 */
final class VmConsole {
  private VmConsole() {}

  static ConsoleAccess of(Hypervisor host, Domain domain, DeployedVm vm) throws LibvirtException {
    if (domain.isActive() != 1) {
      throw new ClientException("VM of app '" + vm.resourceName() + "' is powered off: it has no"
          + " console until it is powered on");
    }
    String uuid = domain.getUUIDString();
    String uri = shellQuote(host.uri());
    String serial = "virsh -c " + uri + " console " + uuid;
    Element graphics = null;
    for (Element g : Xml.children(Xml.child(Xml.parse(domain.getXMLDesc(0)), "devices"),
        "graphics")) {
      if ("vnc".equals(Xml.attr(g, "type"))) {
        graphics = g;
      }
    }
    int port = graphics == null ? -1 : parse(Xml.attr(graphics, "port"));
    if (port <= 0) {
      return new ConsoleAccess("serial", "", serial, "", "the VM's serial console on "
          + host.uri() + ", through libvirt (it has no VNC display); Ctrl+] leaves it");
    }
    String listen = Xml.attr(Xml.child(graphics, "listen"), "address");
    if (listen.isEmpty()) {
      listen = Xml.attr(graphics, "listen");
    }
    if (listen.isEmpty()) {
      listen = DomainXml.VNC_LISTEN;
    }
    return new ConsoleAccess("vnc", "vnc://" + listen + ":" + port,
        "virt-viewer --connect " + uri + " " + uuid,
        "", "VNC display " + port + " listens on " + listen + " of hypervisor " + host.uri()
        + " without a password: open the URL on the hypervisor itself, or run the command"
        + " anywhere that can reach the hypervisor through libvirt (virt-viewer tunnels it);"
        + " the serial console: " + serial);
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A single-quoted shell word. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
