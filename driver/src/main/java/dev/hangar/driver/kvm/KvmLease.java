package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.SandboxLease;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;

/**
 * A domain's {@link SandboxLease}, in its own element of the domain's {@code <metadata>} (a
 * namespace apart from {@link VmMetadata}'s, so that the VLAN updates which rewrite that element
 * never touch it). Written in the XML that defines the domain: no Hangar domain is ever
 * without it.
 */
final class KvmLease {
  static final String NAMESPACE = "https://hangar.dev/xmlns/lease/1";
  static final String PREFIX = "hangarlease";

  private KvmLease() {}

  /** Writes the {@code lease} element inside a domain's {@code <metadata>}. */
  static void write(XMLStreamWriter w, SandboxLease lease) throws XMLStreamException {
    w.writeStartElement(PREFIX, "lease", NAMESPACE);
    w.writeNamespace(PREFIX, NAMESPACE);
    text(w, "sandbox", lease.reservationId());
    text(w, "domain", lease.ownerDomain());
    text(w, "expires", lease.expiresMark());
    w.writeEndElement();
  }

  private static void text(XMLStreamWriter w, String name, String value)
      throws XMLStreamException {
    w.writeStartElement(PREFIX, name, NAMESPACE);
    w.writeCharacters(Names.xmlText(value));
    w.writeEndElement();
  }

  /**
   * The expiry mark and owner domain of a parsed domain XML, or null when it has no lease (a
   * domain made before leases, or not by Hangar).
   */
  static Marks read(Element domain) {
    Element metadata = Xml.child(domain, "metadata");
    for (Element e : Xml.children(metadata, "lease")) {
      if (NAMESPACE.equals(e.getNamespaceURI())) {
        return new Marks(Xml.text(Xml.child(e, "sandbox")), Xml.text(Xml.child(e, "domain")),
            Xml.text(Xml.child(e, "expires")));
      }
    }
    return null;
  }

  /** The lease as read back: the expiry stays a mark (it may be "never" or unreadable). */
  record Marks(String sandbox, String ownerDomain, String expires) {}
}
