package dev.hangar.driver.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/** What a real libvirtd holds, for the tests' "nothing left" checks. */
public final class LibvirtContents {
  private LibvirtContents() {}

  /** Running and defined domains, by name, sorted. */
  public static List<String> domainNames(Connect c) throws LibvirtException {
    TreeSet<String> out = new TreeSet<>(List.of(c.listDefinedDomains()));
    for (int id : c.listDomains()) {
      Domain d = c.domainLookupByID(id);
      try {
        out.add(d.getName());
      } finally {
        d.free();
      }
    }
    return List.copyOf(out);
  }

  /**
   * The storage pool's volumes ("volume NAME", refreshed from disk) and the files in its
   * directory ("file NAME"), sorted: a volume libvirt forgot still shows as its file.
   */
  public static List<String> poolContents(RealLibvirtd libvirtd)
      throws LibvirtException, IOException {
    TreeSet<String> out = new TreeSet<>();
    StoragePool pool = libvirtd.connection().storagePoolLookupByName(libvirtd.storagePool());
    try {
      pool.refresh(0);
      for (String v : pool.listVolumes()) {
        out.add("volume " + v);
      }
    } finally {
      pool.free();
    }
    try (Stream<Path> files = Files.list(libvirtd.storagePoolPath())) {
      files.forEach(f -> out.add("file " + f.getFileName()));
    }
    return List.copyOf(out);
  }
}
