package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import java.io.StringWriter;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Changes to a defined domain after Deploy: plugging and unplugging OVS vNICs, and rewriting
 * Hangar's metadata. A running domain changes live and in its definition; a stopped one in its
 * definition only.
 */
final class DomainEdits {
  /** VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_AFFECT_CONFIG, VIR_DOMAIN_XML_INACTIVE. */
  private static final int LIVE = 1;
  private static final int CONFIG = 2;
  private static final int XML_INACTIVE = 2;

  private DomainEdits() {}

  /** Hot-plugs {@code nic}; on a stopped domain of a driver without hot-plug, redefines it. */
  static void attach(Hypervisor host, Domain domain, DomainSpec.OvsNic nic)
      throws LibvirtException {
    String xml = DomainXml.nicXml(nic);
    boolean running = domain.isActive() == 1;
    try {
      host.change(() -> {
        domain.attachDeviceFlags(xml, running ? LIVE | CONFIG : CONFIG);
        return null;
      });
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isUnsupported(e)) {
        throw e;
      }
      if (running) {
        throw new ClientException("hypervisor " + host.uri() + " cannot hot-plug a vNIC into a"
            + " running VM (" + LibvirtErrors.text(e) + "); power the VM off first, or deploy it"
            + " with a higher NIC Count");
      }
      redefine(host, domain, withInterface(domain.getXMLDesc(XML_INACTIVE), xml));
    }
  }

  /** Unplugs {@code nic} again (rollback of {@link #attach}); gone already is fine. */
  static void detach(Hypervisor host, Domain domain, DomainSpec.OvsNic nic)
      throws LibvirtException {
    boolean running = domain.isActive() == 1;
    try {
      host.change(() -> {
        domain.detachDeviceFlags(DomainXml.nicXml(nic), running ? LIVE | CONFIG : CONFIG);
        return null;
      });
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isUnsupported(e) || running) {
        throw e;
      }
      String inactive = domain.getXMLDesc(XML_INACTIVE);
      String without = withoutInterface(inactive, nic.mac());
      if (!without.equals(inactive)) {
        redefine(host, domain, without);
      }
    }
  }

  /**
   * Replaces Hangar's metadata element, live and in the definition, and rewrites the VM's stored
   * definition when it has one ({@link StoredDefinitions}), so a recovery finds it as it is now.
   */
  static void writeMetadata(Hypervisor host, Domain domain, VmMetadata metadata)
      throws LibvirtException {
    int flags = domain.isActive() == 1 ? LIVE | CONFIG : CONFIG;
    host.change(() -> {
      domain.setMetadata(VmMetadata.ELEMENT, metadata.standaloneXml(), VmMetadata.PREFIX,
          VmMetadata.NAMESPACE, flags);
      return null;
    });
    if (metadata.definitionVolume().isPresent()) {
      StoredDefinitions.save(host, domain);
    }
  }

  private static void redefine(Hypervisor host, Domain domain, String xml)
      throws LibvirtException {
    host.change(() -> host.connect().domainDefineXML(xml));
  }

  private static String withInterface(String domainXml, String nicXml) {
    Element d = Xml.parse(domainXml);
    Element devices = Xml.child(d, "devices");
    Node nic = d.getOwnerDocument().importNode(Xml.parse(nicXml), true);
    // After the last interface, so the new vNIC takes the next index.
    Element last = null;
    for (Element i : Xml.children(devices, "interface")) {
      last = i;
    }
    devices.insertBefore(nic, last == null ? devices.getFirstChild() : last.getNextSibling());
    return serialize(d);
  }

  private static String withoutInterface(String domainXml, String mac) {
    Element d = Xml.parse(domainXml);
    Element devices = Xml.child(d, "devices");
    for (Element i : Xml.children(devices, "interface")) {
      if (mac.equalsIgnoreCase(Xml.attr(Xml.child(i, "mac"), "address"))) {
        devices.removeChild(i);
        return serialize(d);
      }
    }
    return domainXml;
  }

  static String serialize(Element root) {
    try {
      var t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(root), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot write domain XML", e);
    }
  }
}
