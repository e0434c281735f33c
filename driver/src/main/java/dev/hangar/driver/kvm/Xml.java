package dev.hangar.driver.kvm;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/** Reading the XML libvirt returns: no DTDs, no external entities, namespace-aware. */
final class Xml {
  private static final ThreadLocal<javax.xml.parsers.DocumentBuilder> BUILDER =
      ThreadLocal.withInitial(Xml::newBuilder);

  private Xml() {}

  static Element parse(String xml) {
    try {
      Document d = BUILDER.get().parse(new InputSource(new StringReader(xml)));
      return d.getDocumentElement();
    } catch (java.io.IOException | org.xml.sax.SAXException e) {
      throw new IllegalStateException("libvirt returned XML that does not parse: "
          + e.getMessage(), e);
    }
  }

  /** Child elements of {@code parent} with local name {@code name}. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(localName(e))) {
        out.add(e);
      }
    }
    return out;
  }

  static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  /** The element at a path of child names, or null. */
  static Element path(Element root, String... names) {
    Element e = root;
    for (String n : names) {
      e = child(e, n);
      if (e == null) {
        return null;
      }
    }
    return e;
  }

  static String attr(Element e, String name) {
    return e == null || !e.hasAttribute(name) ? "" : e.getAttribute(name);
  }

  static String text(Element e) {
    return e == null ? "" : e.getTextContent().strip();
  }

  private static String localName(Element e) {
    return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
  }

  private static javax.xml.parsers.DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}
