package dev.hangar.driver.kvm;

import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;

/**
 * What Hangar records in a domain's {@code <metadata>}: whose VM it is (sandbox, app, path,
 * creating action) and what Deploy made for it beside the domain (volumes), so that any host
 * process can find, describe and delete it later.
 */
record VmMetadata(String sandboxId, String appName, String deploymentPath, String actionId,
    String template, String ovsBridge, List<String> volumes) {
  static final String NAMESPACE = "https://hangar.dev/xmlns/vm/1";
  static final String PREFIX = "hangar";
  /** VIR_DOMAIN_METADATA_ELEMENT. */
  static final int ELEMENT = 2;

  VmMetadata {
    volumes = List.copyOf(volumes);
  }

  void write(XMLStreamWriter w) throws XMLStreamException {
    w.writeStartElement(PREFIX, "vm", NAMESPACE);
    w.writeNamespace(PREFIX, NAMESPACE);
    text(w, "sandbox", sandboxId);
    text(w, "app", appName);
    text(w, "deploymentPath", deploymentPath);
    text(w, "actionId", actionId);
    text(w, "template", template);
    text(w, "ovsBridge", ovsBridge);
    for (String v : volumes) {
      text(w, "volume", v);
    }
    w.writeEndElement();
  }

  private static void text(XMLStreamWriter w, String name, String value)
      throws XMLStreamException {
    w.writeStartElement(PREFIX, name, NAMESPACE);
    w.writeCharacters(Names.xmlText(value));
    w.writeEndElement();
  }

  /** Reads the {@code vm} element (as getMetadata returns it, or inside a domain's XML). */
  static VmMetadata read(Element vm) {
    List<String> volumes = new ArrayList<>();
    for (Element v : Xml.children(vm, "volume")) {
      volumes.add(Xml.text(v));
    }
    return new VmMetadata(field(vm, "sandbox"), field(vm, "app"), field(vm, "deploymentPath"),
        field(vm, "actionId"), field(vm, "template"), field(vm, "ovsBridge"), volumes);
  }

  /** The metadata inside a full domain XML, or null when Hangar did not make the domain. */
  static VmMetadata fromDomain(Element domain) {
    Element metadata = Xml.child(domain, "metadata");
    if (metadata == null) {
      return null;
    }
    for (Element e : Xml.children(metadata, "vm")) {
      if (NAMESPACE.equals(e.getNamespaceURI())) {
        return read(e);
      }
    }
    return null;
  }

  private static String field(Element vm, String name) {
    return Xml.text(Xml.child(vm, name));
  }
}
