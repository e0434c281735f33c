package dev.hangar.driver.embedded;

import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * libvirt's in-process {@code test:///default} hypervisor, held open for as long as this object
 * lives: the test driver keeps one shared state per process while any connection is open, so the
 * driver's own connections see what is made here.
 */
public final class EmbeddedHypervisor implements AutoCloseable {
  /** The hypervisor URI. */
  public static final String URI = "test:///default";
  /**
   * The storage pool of the embedded default: named as libvirt's own default pool and as the
   * provider's 'Storage Pool' default, so that a provider left at its defaults works here (the
   * test driver's own pool is 'default-pool').
   */
  public static final String POOL = "default";
  /** Where the pool says its volumes are; the test driver keeps them in memory only. */
  private static final String POOL_PATH = "/var/lib/libvirt/images";

  private final Connect connect;
  /** The pool {@link #open()} made, removed with its volumes at {@link #close()}; else null. */
  private final StoragePool madePool;

  private EmbeddedHypervisor(Connect connect, StoragePool madePool) {
    this.connect = connect;
    this.madePool = madePool;
  }

  /** Opens {@code test:///default} and makes its pool {@link #POOL} where it has none. */
  public static EmbeddedHypervisor open() throws LibvirtException {
    LibvirtProbe.silenceLibvirtStderr();
    Connect connect = new Connect(URI);
    try {
      StoragePool made = List.of(connect.listStoragePools()).contains(POOL) ? null
          : connect.storagePoolCreateXML(poolXml(), 0);
      return new EmbeddedHypervisor(connect, made);
    } catch (LibvirtException | RuntimeException e) {
      connect.close();
      throw e;
    }
  }

  private static String poolXml() {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartElement("pool");
      w.writeAttribute("type", "dir");
      element(w, "name", POOL);
      w.writeStartElement("target");
      element(w, "path", POOL_PATH);
      w.writeEndElement();
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write pool XML", e);
    }
    return out.toString();
  }

  /** Creates empty qcow2 template volumes in {@link #POOL} where they do not exist yet. */
  public void ensureTemplates(List<String> names) throws LibvirtException {
    StoragePool pool = connect.storagePoolLookupByName(POOL);
    List<String> present = List.of(pool.listVolumes());
    for (String name : names) {
      if (!present.contains(name)) {
        pool.storageVolCreateXML(volumeXml(name), 0);
      }
    }
  }

  private static String volumeXml(String name) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartElement("volume");
      element(w, "name", name);
      w.writeStartElement("capacity");
      w.writeAttribute("unit", "GiB");
      w.writeCharacters("1");
      w.writeEndElement();
      w.writeStartElement("target");
      w.writeEmptyElement("format");
      w.writeAttribute("type", "qcow2");
      w.writeEndElement();
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write volume XML", e);
    }
    return out.toString();
  }

  private static void element(XMLStreamWriter w, String name, String text)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(text);
    w.writeEndElement();
  }

  /**
   * Closes the connection. The pool it made goes first: the test driver's state outlives this
   * object while any other connection of the process is open.
   */
  @Override
  public void close() throws LibvirtException {
    try {
      if (madePool != null) {
        madePool.destroy(); // transient: destroying it undefines it, volumes and all
        madePool.free();
      }
    } finally {
      connect.close();
    }
  }
}
