package dev.hangar.driver.kvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * What is left on a libvirt test-driver host, read on the KVM backend's own connection: the
 * test driver gives every connection to a node file its own copy of the host, so only the
 * backend's connection sees the domains and volumes it made. Lives in the backend's package
 * (in the bench module) for the package-private runtime, as the driver's KvmCloudFixture does.
 */
public final class KvmInspection {
  private final Connect connect;

  private KvmInspection(Connect connect) {
    this.connect = connect;
  }

  /** The backend's connection to {@code uri} (made now if the backend has none yet). */
  public static KvmInspection of(KvmBackendProvider provider, String uri) {
    return new KvmInspection(provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(uri, null, null), Duration.ofSeconds(10)).connect());
  }

  /** A KVM backend whose OVSDB client is {@code ovsdb} (e.g. one that counts transactions). */
  public static KvmBackendProvider providerWith(
      java.util.function.Supplier<dev.hangar.driver.ovsdb.OvsdbConnector> ovsdb) {
    return new KvmBackendProvider(ovsdb, KvmTimeouts.DEFAULT);
  }

  /** Names of every domain, running or only defined. */
  public List<String> domains() throws LibvirtException {
    List<String> out = new ArrayList<>(List.of(connect.listDefinedDomains()));
    for (int id : connect.listDomains()) {
      Domain d = connect.domainLookupByID(id);
      out.add(d.getName());
      d.free();
    }
    return out;
  }

  /** UUIDs of the running domains. */
  public Set<String> runningUuids() throws LibvirtException {
    Set<String> out = new HashSet<>();
    for (int id : connect.listDomains()) {
      Domain d = connect.domainLookupByID(id);
      out.add(d.getUUIDString());
      d.free();
    }
    return out;
  }

  /** Names of the volumes in {@code pool}. */
  public List<String> volumes(String pool) throws LibvirtException {
    return List.of(connect.storagePoolLookupByName(pool).listVolumes());
  }

  /** The live XML of a domain (to check what reached libvirt). */
  public String domainXml(String uuid) throws LibvirtException {
    Domain d = connect.domainLookupByUUIDString(uuid);
    try {
      return d.getXMLDesc(0);
    } finally {
      d.free();
    }
  }
}
