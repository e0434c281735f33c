package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Restarts the VMs of a dead hypervisor on a live host of its area (attribute 'Areas'), from
 * their stored definitions and disks in the area's shared pool ({@link StoredDefinitions}).
 *
 * <p>A VM is recovered only when its home (the host its stored definition names) does not answer.
 * The new copy is the stored XML with the same name, UUID, MACs, disks and metadata, {@code home}
 * set to the new host and {@code generation} one higher; its OVS ports are made on the new host
 * with the VLANs the metadata records (as ApplyConnectivityChanges left them), the stored
 * definition is rewritten, the VM started, and its management address given to the orchestrator
 * (UpdateResourceAddress). A failing step undoes the earlier ones in reverse order, the stored
 * definition included. Before it recovers anything, Recover sweeps the reachable hosts of the
 * areas for stale copies ({@link VmFencing}): a copy older than the stored definition is
 * destroyed and undefined, so a returning host never runs the old definition.
 *
 * <p>A home host that is cut off by a network partition looks dead from here, yet its qemu may
 * still write the disk. Recover therefore never starts a second copy while the disk is in use:
 * reachability is checked with a live round trip ({@link VmLocator#reachAnswering}, bounded), and
 * a start that fails on qemu's disk lock is rolled back with an error telling the admin to fence
 * the host and call Recover again ({@link DiskInUse}).
 */
final class VmRecovery {
  /** How long a recovered VM may take to show its management address. */
  static final Duration ADDRESS_WAIT = Duration.ofSeconds(120);

  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;
  private final OvsPorts ports;

  VmRecovery(KvmSettings settings, KvmRuntime runtime, VmLocator locator, OvsPorts ports) {
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
    this.ports = ports;
  }

  /**
   * Recover: every VM whose home is {@code hypervisor} (or, when it is empty, any unreachable
   * hypervisor of an area). Returns one line per VM (and per stale copy fenced).
   */
  List<String> recoverHosts(String hypervisor, CommandScope scope) {
    if (settings.areas().isEmpty()) {
      throw new ClientException("attribute 'Areas' is empty: no hypervisor has an area to recover"
          + " its VMs in; set Areas (e.g. 'area1: URI, URI') on the provider");
    }
    String wanted = hypervisor == null ? "" : hypervisor.strip();
    if (!wanted.isEmpty()) {
      boolean known = settings.hypervisors().stream().anyMatch(t -> t.uri().equals(wanted));
      if (!known) {
        throw new ClientException("parameter 'hypervisor': '" + wanted + "' is not one of the"
            + " provider's Hypervisors");
      }
      if (settings.areas().areaOf(wanted).isEmpty()) {
        throw new ClientException("parameter 'hypervisor': '" + wanted + "' is in no area"
            + " (attribute 'Areas'); its VMs cannot be recovered elsewhere");
      }
    }
    VmLocator.Reach reach = locator.reachAnswering();
    if (!wanted.isEmpty() && !reach.down().containsKey(wanted)) {
      throw new ClientException("hypervisor " + wanted + " answers; Recover restarts the VMs"
          + " of an unreachable hypervisor only");
    }
    List<String> lines = new ArrayList<>(sweep(reach, scope));
    Set<String> dead = new LinkedHashSet<>();
    reach.down().keySet().stream().filter(u -> wanted.isEmpty() || u.equals(wanted))
        .filter(u -> settings.areas().areaOf(u).isPresent()).forEach(dead::add);
    if (dead.isEmpty()) {
      lines.add("nothing to recover: every hypervisor of an area answers");
      return lines;
    }
    Set<String> areas = dead.stream().map(u -> settings.areas().areaOf(u).orElseThrow())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    for (String area : areas) {
      List<Hypervisor> live = settings.areas().within(reach, area).up();
      if (live.isEmpty()) {
        lines.add("area '" + area + "': no hypervisor answers; nothing can be recovered there");
        continue;
      }
      for (Stored s : storedIn(live.get(0))) {
        if (!dead.contains(s.metadata().home())) {
          continue;
        }
        lines.add(recoverLine(s, scope));
      }
    }
    if (lines.isEmpty()) {
      lines.add("no VM of " + String.join(", ", dead) + " to recover");
    }
    return lines;
  }

  private String recoverLine(Stored s, CommandScope scope) {
    String label = s.name() + " (" + s.uuid() + ")";
    try (VmLocks.Held held = runtime.locks().lock(UUID.fromString(s.uuid()), scope)) {
      return label + ": " + recover(s.uuid(), scope).describe();
    } catch (HangarException e) {
      return label + ": not recovered: " + scope.redact(e.getMessage());
    }
  }

  /** What one recovery did. */
  record Outcome(String from, String to, String address, boolean moved) {
    String describe() {
      if (!moved) {
        return "already on " + to;
      }
      return "recovered from " + from + " on " + to + (address.isEmpty()
          ? "; no address yet (run remote_refresh_ip later)" : ", address " + address);
    }
  }

  /**
   * Recovers VM {@code uuid} (the caller holds its lock): fences a stale copy first; a VM found
   * current on a reachable host is left where it is (moved = false).
   */
  Outcome recover(String uuid, CommandScope scope) {
    VmLocator.Reach reach = locator.reachAnswering();
    Optional<VmLocator.Located> found = locator.findOn(reach.up(), uuid);
    Stored stored = storedDefinition(reach, uuid).orElse(null);
    if (found.isPresent()) {
      Hypervisor h = found.get().host();
      try {
        VmFencing.Copy copy = VmFencing.copy(h, found.get().domain());
        if (stored == null || copy.generation() >= stored.metadata().generation()) {
          return new Outcome("", h.uri(), "", false);
        }
        locator.fencing().fence(copy, "the stored definition is generation "
            + stored.metadata().generation() + " on " + stored.metadata().home());
      } catch (LibvirtException e) {
        throw LibvirtErrors.wrap("check VM " + uuid, h.uri(), e);
      }
    }
    if (stored == null && reach.down().isEmpty()) {
      return new Outcome("", "", "", false); // every host answered: the caller says it is gone
    }
    if (stored == null) {
      throw new BackendException("VM " + uuid + " is on no reachable hypervisor and no"
          + " stored definition of it is in pool '" + settings.storagePool() + "' of a"
          + " reachable host of an area" + (reach.down().isEmpty() ? ""
          : " (unreachable: " + VmLocator.describe(reach.down()) + ")"), false,
          !reach.down().isEmpty(), null);
    }
    VmMetadata meta = stored.metadata();
    if (reach.up().stream().anyMatch(h -> h.uri().equals(meta.home()))) {
      throw new BackendException("VM " + stored.name() + " is missing on its home "
          + meta.home() + ", which answers; not recovering a VM that was removed there", false,
          false, null);
    }
    VmLocator.Reach area = settings.areas().within(reach, meta.area());
    area.up().removeIf(h -> h.uri().equals(meta.home()));
    long memoryMiB = Math.max(1, stored.view().memoryKiB() / 1024);
    Hypervisor target = Placement.choose(area, memoryMiB, settings.virtualization(),
        runtime.memory());
    scope.progress("Recovering " + stored.name() + " from " + meta.home() + " on "
        + target.uri());
    Rollback rollback = new Rollback(LibvirtErrors::describe);
    try {
      Domain domain = define(target, stored, rollback);
      String ip = start(target, domain, stored, rollback, scope);
      rollback.commit();
      if (!ip.isEmpty()) {
        scope.api().updateResourceAddress(stored.name(), ip);
      }
      return new Outcome(meta.home(), target.uri(), ip, true);
    } catch (RuntimeException e) {
      runtime.memory().giveBack(target, memoryMiB << 20);
      throw rollback.undoAfter(e);
    } catch (LibvirtException e) {
      runtime.memory().giveBack(target, memoryMiB << 20);
      throw rollback.undoAfter(DiskInUse.is(e)
          ? DiskInUse.refusal(stored.name(), meta.home(), target.uri(), e)
          : LibvirtErrors.wrap("recover " + stored.name(), target.uri(), e));
    }
  }

  private Domain define(Hypervisor target, Stored stored, Rollback rollback)
      throws LibvirtException {
    VmMetadata moved = stored.metadata().movedTo(target.uri());
    String xml = rewrite(stored.xml(), moved,
        settings.virtualization().domainType(target.domainTypes()).orElseThrow());
    // The new host sees the disks another host wrote only after a refresh of the pool.
    for (String v : moved.volumes()) {
      Volumes.pool(target, v.substring(0, Math.max(0, v.indexOf('/')))).refresh(0);
    }
    Domain domain = target.change(() -> target.connect().domainDefineXML(xml));
    rollback.push("domain " + stored.name() + " on " + target.uri(),
        () -> Undefine.run(target, domain));
    DomainView view = DomainView.parse(xml);
    List<OvsPort> wanted = new ArrayList<>();
    for (DomainView.NicView n : view.ovsNics()) {
      wanted.add(OvsPorts.port(view.uuid(), moved.sandboxId(), n.index(), n.device(), n.mac(),
          moved.vlanOf(n.device())));
    }
    if (!wanted.isEmpty()) {
      OvsPorts on = ports.on(moved.ovsBridge());
      on.ensure(target.target(), wanted, true);
      List<String> names = wanted.stream().map(OvsPort::name).toList();
      rollback.push("OVS ports " + names + " on " + target.uri(),
          () -> on.delete(target.target(), names));
    }
    // The stored definition now names the new home: from here on the old copy is stale.
    String volume = moved.definitionVolume().orElseThrow();
    StoredDefinitions.write(target, volume, xml);
    rollback.push("stored definition " + volume,
        () -> StoredDefinitions.write(target, volume, stored.xml()));
    return domain;
  }

  private String start(Hypervisor target, Domain domain, Stored stored, Rollback rollback,
      CommandScope scope) throws LibvirtException {
    scope.checkCancelled("starting " + stored.name());
    target.change(domain::create);
    rollback.push("running " + stored.name(), () -> {
      if (domain.isActive() == 1) {
        domain.destroy();
      }
    });
    Set<String> macs = stored.view().nics().stream().filter(n -> !n.onOvs())
        .map(DomainView.NicView::mac).collect(Collectors.toSet());
    if (macs.isEmpty()) {
      return "";
    }
    try {
      return new IpWaiter(runtime.timeouts()).await(stored.name(), domain, macs, null,
          ADDRESS_WAIT, scope).ip();
    } catch (BackendException e) {
      if (e.unavailable()) {
        throw e;
      }
      return ""; // running; the address comes later through remote_refresh_ip
    }
  }

  /**
   * Fences, on every reachable host of an area, the copies older than their stored definition:
   * what a host that was dead or cut off still holds after its VMs were recovered elsewhere.
   */
  List<String> sweep(VmLocator.Reach reach, CommandScope scope) {
    List<String> lines = new ArrayList<>();
    for (Hypervisor h : reach.up()) {
      if (settings.areas().areaOf(h.uri()).isEmpty()) {
        continue;
      }
      try {
        for (Domain d : h.connect().listAllDomains(0)) {
          VmFencing.Copy copy = VmFencing.copy(h, d);
          if (copy.metadata() == null || copy.metadata().area().isEmpty()) {
            continue;
          }
          String uuid = d.getUUIDString();
          Optional<String> xml = StoredDefinitions.read(h, settings.storagePool(), uuid);
          if (xml.isEmpty()) {
            continue;
          }
          VmMetadata current = DomainView.parse(xml.get()).metadata();
          if (current != null && current.generation() > copy.generation()) {
            locator.fencing().fence(copy, "generation " + current.generation() + " lives on "
                + current.home());
            lines.add(d.getName() + " (" + uuid + "): removed the stale copy on " + h.uri()
                + " (generation " + copy.generation() + "; current is " + current.generation()
                + " on " + current.home() + ")");
          }
        }
      } catch (LibvirtException e) {
        lines.add(h.uri() + ": not swept for stale copies: " + LibvirtErrors.text(e));
      }
    }
    return lines;
  }

  /** A stored definition read back. */
  record Stored(String xml, DomainView view) {
    VmMetadata metadata() {
      return view.metadata();
    }

    String uuid() {
      return view.uuid();
    }

    String name() {
      return view.name();
    }
  }

  private Optional<Stored> storedDefinition(VmLocator.Reach reach, String uuid) {
    for (Hypervisor h : reach.up()) {
      if (settings.areas().areaOf(h.uri()).isEmpty()) {
        continue;
      }
      try {
        Optional<String> xml = StoredDefinitions.read(h, settings.storagePool(), uuid);
        if (xml.isPresent()) {
          Stored s = new Stored(xml.get(), DomainView.parse(xml.get()));
          if (s.metadata() != null && !s.metadata().area().isEmpty()) {
            return Optional.of(s);
          }
        }
      } catch (LibvirtException e) {
        if (LibvirtErrors.isUnsupported(e)) {
          continue; // a driver without volume download keeps no definitions
        }
        throw LibvirtErrors.wrap("read the stored definition of VM " + uuid, h.uri(), e);
      }
    }
    return Optional.empty();
  }

  /** Every stored definition in the pool as {@code host} sees it. */
  private List<Stored> storedIn(Hypervisor host) {
    List<Stored> out = new ArrayList<>();
    try {
      StoragePool pool = Volumes.pool(host, settings.storagePool());
      pool.refresh(0);
      for (String name : pool.listVolumes()) {
        if (!name.startsWith("hangar-") || !name.endsWith(StoredDefinitions.SUFFIX)) {
          continue;
        }
        String uuid = name.substring("hangar-".length(),
            name.length() - StoredDefinitions.SUFFIX.length());
        StoredDefinitions.read(host, settings.storagePool(), uuid).ifPresent(xml -> {
          DomainView v = DomainView.parse(xml);
          if (v.metadata() != null && !v.metadata().area().isEmpty()) {
            out.add(new Stored(xml, v));
          }
        });
      }
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("list the stored definitions in pool '" + settings.storagePool()
          + "'", host.uri(), e);
    }
    return out;
  }

  /** The stored XML with {@code meta} as its Hangar metadata and {@code type} as domain type. */
  static String rewrite(String xml, VmMetadata meta, String type) {
    Element d = Xml.parse(xml);
    d.setAttribute("type", type);
    Element metadata = Xml.child(d, "metadata");
    if (metadata == null) {
      metadata = d.getOwnerDocument().createElement("metadata");
      d.appendChild(metadata);
    }
    for (Element e : Xml.children(metadata, "vm")) {
      if (VmMetadata.NAMESPACE.equals(e.getNamespaceURI())) {
        metadata.removeChild(e);
      }
    }
    Node vm = d.getOwnerDocument().importNode(Xml.parse(namespaced(meta)), true);
    metadata.appendChild(vm);
    return DomainEdits.serialize(d);
  }

  private static String namespaced(VmMetadata meta) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      meta.write(w);
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write VM metadata", e);
    }
    return out.toString();
  }
}
