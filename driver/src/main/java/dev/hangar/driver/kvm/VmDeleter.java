package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import java.util.List;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * DeleteInstance: stop, remove the vNIC ports, delete the volumes Deploy made, and undefine
 * last, so that a delete that fails half-way can be retried: the definition still names what is
 * left to remove.
 */
final class VmDeleter {
  private final OvsPorts ports;

  VmDeleter(OvsPorts ports) {
    this.ports = ports;
  }

  void delete(Hypervisor host, Domain domain, CommandScope scope) {
    try {
      DomainView view = DomainView.parse(domain.getXMLDesc(0));
      if (view.metadata() == null) {
        throw new ClientException("VM " + view.uuid() + " on " + host.uri() + " was not made by"
            + " Hangar (no Hangar metadata); not deleting it");
      }
      scope.progress("Deleting " + view.name() + " on " + host.uri());
      host.change(() -> {
        Undefine.stop(domain);
        return null;
      });
      List<String> names = view.ovsNics().stream().map(DomainView.NicView::device).toList();
      ports.on(view.metadata().ovsBridge()).delete(host.target(), names);
      for (String v : view.metadata().volumes()) {
        host.change(() -> {
          Volumes.delete(host, v);
          return null;
        });
      }
      Undefine.run(host, domain);
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isGone(e)) {
        throw LibvirtErrors.wrap("delete VM " + domainName(domain), host.uri(), e);
      }
    }
  }

  private static String domainName(Domain d) {
    try {
      return d.getName();
    } catch (LibvirtException e) {
      return "?";
    }
  }
}
