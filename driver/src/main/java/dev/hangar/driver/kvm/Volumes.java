package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.options.ProviderModel;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.w3c.dom.Element;

/** Volumes of a VM in the provider's storage pool, made through libvirt's storage API. */
final class Volumes {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  private Volumes() {}

  static StoragePool pool(Hypervisor host, String name) {
    try {
      return host.connect().storagePoolLookupByName(name);
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode()
          == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
        throw LibvirtErrors.missing(ProviderModel.STORAGE_POOL.name(), name, host.uri(),
            "storage pool");
      }
      throw LibvirtErrors.wrap("open storage pool '" + name + "'", host.uri(), e);
    }
  }

  /**
   * A qcow2 linked clone of {@code template}: a new volume whose backing file is the
   * template's, at least as large as it (or {@code diskGiB} when larger).
   */
  static StorageVol linkedClone(Hypervisor host, StoragePool pool, String template, String name,
      long diskGiB) throws LibvirtException {
    StorageVol base = template(host, pool, template);
    Element baseXml = Xml.parse(base.getXMLDesc(0));
    String format = Xml.attr(Xml.path(baseXml, "target", "format"), "type");
    long capacity = Math.max(base.getInfo().capacity, diskGiB * 1024L * 1024 * 1024);
    return pool.storageVolCreateXML(volumeXml(name, capacity, "qcow2", base.getPath(),
        format.isEmpty() ? "raw" : format), 0);
  }

  /** The template volume; a client error naming the attribute when the pool lacks it. */
  static StorageVol template(Hypervisor host, StoragePool pool, String template)
      throws LibvirtException {
    try {
      return pool.storageVolLookupByName(template);
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        throw new ClientException("attribute 'Template': volume '" + template + "' does not"
            + " exist in storage pool '" + pool.getName() + "' on " + host.uri());
      }
      throw e;
    }
  }

  /** A raw volume holding {@code bytes} (the cloud-init seed), uploaded through libvirt. */
  static StorageVol upload(Hypervisor host, StoragePool pool, String name, byte[] bytes)
      throws LibvirtException {
    StorageVol vol = pool.storageVolCreateXML(volumeXml(name, bytes.length, "raw", null, null),
        0);
    try {
      Stream stream = host.connect().streamNew(0);
      vol.upload(stream, 0, bytes.length, 0);
      int off = 0;
      while (off < bytes.length) {
        int n = stream.send(java.util.Arrays.copyOfRange(bytes, off,
            Math.min(bytes.length, off + 256 * 1024)));
        off += n;
      }
      stream.finish();
      return vol;
    } catch (LibvirtException e) {
      delete(vol);
      if (LibvirtErrors.isUnsupported(e)) {
        throw new ClientException("attribute 'Cloud-Init User Data' needs a hypervisor that can"
            + " upload volumes; " + host.uri() + " cannot (" + LibvirtErrors.text(e) + ")");
      }
      throw e;
    }
  }

  /** True when {@code pool} holds a volume named {@code name}. */
  static boolean exists(StoragePool pool, String name) throws LibvirtException {
    try {
      pool.storageVolLookupByName(name).free();
      return true;
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes a volume; one already gone is success. */
  static void delete(StorageVol vol) throws LibvirtException {
    try {
      vol.delete(0);
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isGone(e)) {
        throw e;
      }
    }
  }

  /** Deletes {@code pool/volume} as recorded in a VM's metadata; gone is success. */
  static void delete(Hypervisor host, String poolAndVolume) throws LibvirtException {
    int slash = poolAndVolume.indexOf('/');
    if (slash <= 0) {
      return;
    }
    StoragePool pool;
    try {
      pool = host.connect().storagePoolLookupByName(poolAndVolume.substring(0, slash));
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode()
          == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
        return;
      }
      throw e;
    }
    try {
      delete(pool.storageVolLookupByName(poolAndVolume.substring(slash + 1)));
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isGone(e)) {
        throw e;
      }
    }
  }

  static String volumeXml(String name, long capacity, String format, String backing,
      String backingFormat) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      w.writeStartElement("volume");
      w.writeStartElement("name");
      w.writeCharacters(name);
      w.writeEndElement();
      w.writeStartElement("capacity");
      w.writeAttribute("unit", "bytes");
      w.writeCharacters(Long.toString(capacity));
      w.writeEndElement();
      w.writeStartElement("target");
      w.writeEmptyElement("format");
      w.writeAttribute("type", format);
      w.writeEndElement();
      if (backing != null) {
        w.writeStartElement("backingStore");
        w.writeStartElement("path");
        w.writeCharacters(backing);
        w.writeEndElement();
        w.writeEmptyElement("format");
        w.writeAttribute("type", backingFormat);
        w.writeEndElement();
      }
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
