package dev.hangar.driver.kvm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definition of a VM of an area kept in the cloud, beside its disk: a raw volume
 * {@code hangar-<uuid>.domain.xml} in the provider's storage pool, which the hosts of an area
 * share. It holds the domain's persistent XML (with Hangar's metadata: area, home, generation,
 * VLANs), written at Deploy and again whenever Hangar changes the metadata (setVlan, removeVlan,
 * reconfigure, PowerOn, recovery). When the VM's hypervisor is dead, a live host of its area reads
 * it to define the VM again ({@link VmRecovery}); its {@code home} and {@code generation} are also
 * what {@link VmFencing} trusts over any copy a returning host still has.
 *
 * <p>The volume has a fixed size and is overwritten whole (the XML, then zeros), so a rewrite
 * never needs a delete and a create that a crash could split. Its name is in the VM's metadata
 * volumes, so DeleteInstance and the reaper remove it with the disks.
 */
final class StoredDefinitions {
  private static final Logger log = LoggerFactory.getLogger(StoredDefinitions.class);
  static final String SUFFIX = ".domain.xml";
  /** Room for the domain XML; a domain of a few dozen devices takes under 16 KiB. */
  static final int CAPACITY = 256 * 1024;
  /** VIR_DOMAIN_XML_INACTIVE: the persistent definition, not the running state. */
  private static final int XML_INACTIVE = 2;

  private StoredDefinitions() {}

  static String volumeName(String uuid) {
    return "hangar-" + uuid + SUFFIX;
  }

  /** Creates the empty volume at Deploy; returns it (for the rollback). */
  static StorageVol create(StoragePool pool, String uuid) throws LibvirtException {
    return pool.storageVolCreateXML(Volumes.volumeXml(volumeName(uuid), CAPACITY, "raw", null,
        null), 0);
  }

  /**
   * Writes the domain's current persistent XML into its stored definition, when its metadata
   * names one. Returns false (and logs why) when the hypervisor cannot upload volumes (libvirt's
   * test driver): such a VM cannot be recovered, which is all that is lost.
   */
  static boolean save(Hypervisor host, Domain domain) throws LibvirtException {
    String xml = domain.getXMLDesc(XML_INACTIVE);
    VmMetadata meta = DomainView.parse(xml).metadata();
    if (meta == null || meta.definitionVolume().isEmpty()) {
      return false;
    }
    return write(host, meta.definitionVolume().get(), xml);
  }

  /** Writes {@code xml} into {@code pool/volume}; false when the host cannot upload. */
  static boolean write(Hypervisor host, String poolAndVolume, String xml)
      throws LibvirtException {
    byte[] text = xml.getBytes(StandardCharsets.UTF_8);
    if (text.length >= CAPACITY) {
      throw new IllegalStateException("domain XML of " + text.length + " bytes does not fit"
          + " the stored definition's " + CAPACITY);
    }
    int slash = poolAndVolume.indexOf('/');
    StoragePool pool = Volumes.pool(host, poolAndVolume.substring(0, slash));
    String name = poolAndVolume.substring(slash + 1);
    StorageVol vol;
    try {
      vol = pool.storageVolLookupByName(name);
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isGone(e)) {
        throw e;
      }
      // Lost (or a pool that is not shared after all): made again, so the VM stays recoverable.
      vol = host.change(() -> pool.storageVolCreateXML(Volumes.volumeXml(name, CAPACITY, "raw",
          null, null), 0));
    }
    StorageVol target = vol;
    byte[] whole = Arrays.copyOf(text, CAPACITY);
    try {
      host.change(() -> {
        Stream stream = host.connect().streamNew(0);
        target.upload(stream, 0, whole.length, 0);
        int off = 0;
        while (off < whole.length) {
          off += stream.send(Arrays.copyOfRange(whole, off,
              Math.min(whole.length, off + 64 * 1024)));
        }
        stream.finish();
        return null;
      });
      return true;
    } catch (LibvirtException e) {
      if (LibvirtErrors.isUnsupported(e)) {
        log.warn("{} cannot upload volumes ({}); the VM's definition is not stored and it"
            + " cannot be recovered on another host", host.uri(), LibvirtErrors.text(e));
        return false;
      }
      throw e;
    }
  }

  /**
   * The stored definition of VM {@code uuid} as {@code host} sees the shared pool (refreshed
   * first: another host of the area wrote it), or empty when there is none or the host cannot
   * download volumes (libvirt's test driver, which cannot have stored one either).
   */
  static Optional<String> read(Hypervisor host, String poolName, String uuid)
      throws LibvirtException {
    StoragePool pool = Volumes.pool(host, poolName);
    pool.refresh(0);
    StorageVol vol;
    try {
      vol = pool.storageVolLookupByName(volumeName(uuid));
    } catch (LibvirtException e) {
      if (LibvirtErrors.isGone(e)) {
        return Optional.empty();
      }
      throw e;
    }
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    Stream stream = host.connect().streamNew(0);
    try {
      vol.download(stream, 0, CAPACITY, 0);
    } catch (LibvirtException e) {
      if (LibvirtErrors.isUnsupported(e)) {
        return Optional.empty();
      }
      throw e;
    }
    while (all.size() < CAPACITY) {
      int n = stream.receive(chunk);
      if (n <= 0) {
        break;
      }
      all.write(chunk, 0, n);
    }
    stream.finish();
    byte[] bytes = all.toByteArray();
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    String xml = new String(bytes, 0, end, StandardCharsets.UTF_8).strip();
    return xml.isEmpty() ? Optional.empty() : Optional.of(xml);
  }
}
