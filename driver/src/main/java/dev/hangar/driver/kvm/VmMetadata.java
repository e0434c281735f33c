package dev.hangar.driver.kvm;

import dev.hangar.driver.ovsdb.PortVlan;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;

/**
 * What Hangar records in a domain's {@code <metadata>}: whose VM it is (sandbox, app, path,
 * creating action), what Deploy made for it beside the domain (volumes), and the VLAN each OVS
 * vNIC was last connected to ({@code vlans}, by device; absent = parked), so that any host
 * process can find, describe, reconnect and delete it later.
 *
 * <p>For a VM deployed on a hypervisor of an area (attribute 'Areas'): {@code area}, its
 * {@code home} (the hypervisor URI the definition belongs to) and {@code generation} (1 at
 * Deploy, one more at each recovery onto another host). A copy of the domain with a lower
 * generation than another is stale and is fenced ({@link VmFencing}). Empty area: none, 0.
 */
record VmMetadata(String sandboxId, String appName, String deploymentPath, String actionId,
    String template, String ovsBridge, List<String> volumes, Map<String, PortVlan> vlans,
    String area, String home, long generation) {
  static final String NAMESPACE = "https://hangar.dev/xmlns/vm/1";
  static final String PREFIX = "hangar";
  /** VIR_DOMAIN_METADATA_ELEMENT. */
  static final int ELEMENT = 2;

  VmMetadata {
    volumes = List.copyOf(volumes);
    vlans = Collections.unmodifiableMap(new TreeMap<>(vlans));
    area = area == null ? "" : area;
    home = home == null ? "" : home;
  }

  /** Metadata of a VM outside any area. */
  VmMetadata(String sandboxId, String appName, String deploymentPath, String actionId,
      String template, String ovsBridge, List<String> volumes, Map<String, PortVlan> vlans) {
    this(sandboxId, appName, deploymentPath, actionId, template, ovsBridge, volumes, vlans, "",
        "", 0);
  }

  /** This metadata with other volumes (the rest kept). */
  VmMetadata withVolumes(List<String> next) {
    return new VmMetadata(sandboxId, appName, deploymentPath, actionId, template, ovsBridge,
        next, vlans, area, home, generation);
  }

  /** This metadata for a copy defined on {@code newHome}, one generation on. */
  VmMetadata movedTo(String newHome) {
    return new VmMetadata(sandboxId, appName, deploymentPath, actionId, template, ovsBridge,
        volumes, vlans, area, newHome, generation + 1);
  }

  /** {@code pool/volume} of the stored definition ({@link StoredDefinitions}), or empty. */
  java.util.Optional<String> definitionVolume() {
    return volumes.stream().filter(v -> v.endsWith(StoredDefinitions.SUFFIX)).findFirst();
  }

  /** The VLAN recorded for {@code device}: parked unless a setVlan recorded another. */
  PortVlan vlanOf(String device) {
    return vlans.getOrDefault(device, PortVlan.parked());
  }

  /** This metadata with the given devices' VLANs replaced (parked ones are not recorded). */
  VmMetadata withVlans(Map<String, PortVlan> changes) {
    Map<String, PortVlan> next = new TreeMap<>(vlans);
    changes.forEach((dev, vlan) -> {
      if (vlan.isParked()) {
        next.remove(dev);
      } else {
        next.put(dev, vlan);
      }
    });
    return new VmMetadata(sandboxId, appName, deploymentPath, actionId, template, ovsBridge,
        volumes, next, area, home, generation);
  }

  /** Writes the {@code vm} element in Hangar's namespace, inside a domain's XML. */
  void write(XMLStreamWriter w) throws XMLStreamException {
    w.writeStartElement(PREFIX, "vm", NAMESPACE);
    w.writeNamespace(PREFIX, NAMESPACE);
    body(w, PREFIX);
    w.writeEndElement();
  }

  /**
   * The {@code vm} element without a namespace, as {@code virDomainSetMetadata} takes it (libvirt
   * puts it, and its children, in the namespace it is given).
   */
  String standaloneXml() {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartElement("vm");
      body(w, null);
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write VM metadata", e);
    }
    return out.toString();
  }

  private void body(XMLStreamWriter w, String prefix) throws XMLStreamException {
    text(w, prefix, "sandbox", sandboxId);
    text(w, prefix, "app", appName);
    text(w, prefix, "deploymentPath", deploymentPath);
    text(w, prefix, "actionId", actionId);
    text(w, prefix, "template", template);
    text(w, prefix, "ovsBridge", ovsBridge);
    if (!area.isEmpty()) {
      text(w, prefix, "area", area);
      text(w, prefix, "home", home);
      text(w, prefix, "generation", Long.toString(generation));
    }
    for (String v : volumes) {
      text(w, prefix, "volume", v);
    }
    for (Map.Entry<String, PortVlan> e : vlans.entrySet()) {
      start(w, prefix, "nic", true);
      w.writeAttribute("dev", Names.xmlText(e.getKey()));
      PortVlan v = e.getValue();
      if (v.tag() != null) {
        w.writeAttribute("tag", v.tag().toString());
      }
      if (!v.trunks().isEmpty()) {
        w.writeAttribute("trunks", join(v.trunks()));
      }
      if (v.vlanMode() != null) {
        w.writeAttribute("mode", v.vlanMode());
      }
    }
  }

  private static void start(XMLStreamWriter w, String prefix, String name, boolean empty)
      throws XMLStreamException {
    if (prefix == null && empty) {
      w.writeEmptyElement(name);
    } else if (prefix == null) {
      w.writeStartElement(name);
    } else if (empty) {
      w.writeEmptyElement(prefix, name, NAMESPACE);
    } else {
      w.writeStartElement(prefix, name, NAMESPACE);
    }
  }

  private static void text(XMLStreamWriter w, String prefix, String name, String value)
      throws XMLStreamException {
    start(w, prefix, name, false);
    w.writeCharacters(Names.xmlText(value));
    w.writeEndElement();
  }

  private static String join(Set<Integer> vlans) {
    StringBuilder b = new StringBuilder();
    for (int v : vlans) {
      b.append(b.length() == 0 ? "" : ",").append(v);
    }
    return b.toString();
  }

  /** Reads the {@code vm} element (as getMetadata returns it, or inside a domain's XML). */
  static VmMetadata read(Element vm) {
    List<String> volumes = new ArrayList<>();
    for (Element v : Xml.children(vm, "volume")) {
      volumes.add(Xml.text(v));
    }
    Map<String, PortVlan> vlans = new TreeMap<>();
    for (Element n : Xml.children(vm, "nic")) {
      vlans.put(Xml.attr(n, "dev"), vlan(n));
    }
    return new VmMetadata(field(vm, "sandbox"), field(vm, "app"), field(vm, "deploymentPath"),
        field(vm, "actionId"), field(vm, "template"), field(vm, "ovsBridge"), volumes, vlans,
        field(vm, "area"), field(vm, "home"), generation(field(vm, "generation")));
  }

  private static PortVlan vlan(Element nic) {
    SortedSet<Integer> trunks = new TreeSet<>();
    for (String t : Xml.attr(nic, "trunks").split(",")) {
      Integer n = number(t);
      if (n != null) {
        trunks.add(n);
      }
    }
    String mode = Xml.attr(nic, "mode");
    return new PortVlan(number(Xml.attr(nic, "tag")), trunks, mode.isEmpty() ? null : mode);
  }

  private static long generation(String s) {
    try {
      return s.isBlank() ? 0 : Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Integer number(String s) {
    try {
      return s.isBlank() ? null : Integer.valueOf(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
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
