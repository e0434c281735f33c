package dev.hangar.driver.kvm;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.SandboxLease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;

/**
 * The KVM reaper: reads every domain of every hypervisor of the provider, keeps those with
 * Hangar's metadata, groups them by sandbox, and deletes the domains of expired sandboxes as
 * DeleteInstance does (stop, OVS ports, volumes, undefine last). A domain without Hangar's
 * metadata is never read further. While a hypervisor cannot be searched nothing is removed: a
 * domain of the sandbox on it could carry a later expiry.
 */
final class KvmReaper implements Reaper {
  private final KvmSettings settings;
  private final KvmRuntime runtime;

  KvmReaper(KvmSettings settings, KvmRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  /** A Hangar domain as found; {@code lease} null for a domain made before leases. */
  record Found(Hypervisor host, DomainView view, KvmLease.Marks lease) {
    String sandbox() {
      return view.metadata().sandboxId();
    }

    String expires() {
      return lease == null ? "" : lease.expires();
    }

    String ownerDomain() {
      return lease == null ? "" : lease.ownerDomain();
    }
  }

  @Override
  public ReapReport reap(Instant now, boolean dryRun, CommandScope scope) {
    List<Line> lines = new ArrayList<>();
    Map<String, String> down = new LinkedHashMap<>();
    Map<String, List<Found>> bySandbox = new LinkedHashMap<>();
    for (HypervisorTarget t : settings.hypervisors()) {
      try {
        Hypervisor h = runtime.hypervisors().get(t, runtime.timeouts().connect());
        for (Found f : list(h)) {
          bySandbox.computeIfAbsent(f.sandbox(), k -> new ArrayList<>()).add(f);
        }
        // The real clock, not now: --as-of a later date must not make live claims stale.
        StaleClaims.reap(h, System.currentTimeMillis(), dryRun, lines);
      } catch (RuntimeException e) {
        down.put(t.uri(), e.getMessage());
      } catch (LibvirtException e) {
        down.put(t.uri(), LibvirtErrors.describe(e));
      }
    }
    down.forEach((uri, why) -> lines.add(new Line(Outcome.FAILED, "hypervisor", uri, uri, "",
        "could not be searched", why)));
    String blind = down.isEmpty() ? "" : "left: not every hypervisor could be searched";
    boolean removedPorts = false;
    for (Map.Entry<String, List<Found>> e : bySandbox.entrySet()) {
      Optional<Instant> expiry = SandboxLease.sandboxExpiry(e.getValue().stream()
          .map(Found::expires).toList());
      if (expiry.isEmpty() || !expiry.get().isBefore(now)) {
        continue;
      }
      String why = "sandbox expired at " + expiry.get();
      for (Found f : e.getValue()) {
        scope.checkCancelled("reaping " + f.view().name());
        if (!blind.isEmpty()) {
          objects(f, lines, Outcome.FAILED, why, blind);
        } else if (dryRun) {
          objects(f, lines, Outcome.WOULD_REMOVE, why, "");
        } else {
          removedPorts |= remove(f, lines, why, scope) && !f.view().ovsNics().isEmpty();
        }
      }
    }
    if (removedPorts && settings.segments() == SegmentKind.VXLAN) {
      retireTunnels(lines, scope);
    }
    return new ReapReport(lines);
  }

  /** The Hangar domains of one host (those with Hangar's metadata). */
  static List<Found> list(Hypervisor h) throws LibvirtException {
    List<Found> out = new ArrayList<>();
    for (Domain d : h.connect().listAllDomains(0)) {
      try {
        String xml = d.getXMLDesc(0);
        DomainView view = DomainView.parse(xml);
        if (view.metadata() == null) {
          continue;
        }
        Element root = Xml.parse(xml);
        KvmLease.Marks lease = KvmLease.read(root);
        out.add(new Found(h, view, lease));
      } catch (LibvirtException e) {
        if (!LibvirtErrors.isGone(e)) {
          throw e;
        }
      } finally {
        d.free();
      }
    }
    return out;
  }

  /**
   * With VLAN Type VXLAN, the vNIC ports just removed may have been the last of their VNIs on a
   * host: the mesh is reconciled as DeleteInstance does, and each tunnel port that went is a
   * line. Tunnels are shared by every sandbox on a VNI, so they carry no sandbox of their own.
   */
  private void retireTunnels(List<Line> lines, CommandScope scope) {
    OvsPorts ports = new OvsPorts(runtime, settings.ovsBridge());
    Map<String, List<String>> before = tunnels(ports);
    try (VmLocks.Held mesh = runtime.locks().lockMesh(scope)) {
      new VxlanRequest(settings, ports, scope).apply(Map.of(), Map.of(), i -> null, i -> null);
    } catch (HangarException e) {
      lines.add(new Line(Outcome.FAILED, "VXLAN tunnels", "the mesh", "", "",
          "reconciling after the expired VMs' ports went", e.getMessage()));
      return;
    }
    Map<String, List<String>> after = tunnels(ports);
    before.forEach((uri, names) -> {
      List<String> left = after.get(uri);
      for (String name : names) {
        if (left != null && !left.contains(name)) {
          lines.add(new Line(Outcome.REMOVED, "VXLAN tunnel", settings.ovsBridge() + "/" + name,
              uri, "", "its VNI has no vNIC left at one of its ends", ""));
        }
      }
    });
  }

  /** The tunnel ports of each hypervisor whose bridge could be read (none for the others). */
  private Map<String, List<String>> tunnels(OvsPorts ports) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (HypervisorTarget t : settings.hypervisors()) {
      try {
        out.put(t.uri(), ports.state(t).ports().values().stream().filter(VxlanMesh::isTunnel)
            .map(OvsPort::name).sorted().toList());
      } catch (HangarException e) {
        // Unread before: nothing to compare; unread after: nothing known to have gone.
      }
    }
    return out;
  }

  /** Removes one domain with what it owns; true when this run removed it. */
  private boolean remove(Found f, List<Line> lines, String why, CommandScope scope) {
    Hypervisor h = f.host();
    try (VmLocks.Held held = runtime.locks().lock(UUID.fromString(f.view().uuid()), scope)) {
      Domain d;
      try {
        d = h.connect().domainLookupByUUIDString(f.view().uuid());
      } catch (LibvirtException e) {
        if (LibvirtErrors.isGone(e)) {
          objects(f, lines, Outcome.ALREADY_GONE, why, "");
          return false;
        }
        throw LibvirtErrors.wrap("look up VM " + f.view().uuid(), h.uri(), e);
      }
      try {
        new VmDeleter(new OvsPorts(runtime, settings.ovsBridge())).delete(h, d, scope);
        objects(f, lines, Outcome.REMOVED, why, "");
        StaleClaims.reapWithVm(h, UUID.fromString(f.view().uuid()), why, lines);
        return true;
      } finally {
        d.free();
      }
    } catch (HangarException | LibvirtException e) {
      objects(f, lines, gone(h, f) ? Outcome.ALREADY_GONE : Outcome.FAILED, why,
          e.getMessage());
      return false;
    }
  }

  /** After a failed delete: true when the domain is gone all the same (another reaper). */
  private static boolean gone(Hypervisor h, Found f) {
    try {
      h.connect().domainLookupByUUIDString(f.view().uuid()).free();
      return false;
    } catch (LibvirtException e) {
      return LibvirtErrors.isGone(e);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A line for the domain, each of its volumes and each of its OVS ports. */
  private static void objects(Found f, List<Line> lines, Outcome outcome, String why,
      String error) {
    String uri = f.host().uri();
    String err = outcome == Outcome.ALREADY_GONE ? "" : error;
    lines.add(new Line(outcome, "domain", f.view().name() + " (" + f.view().uuid() + ")", uri,
        f.sandbox(), why, err));
    for (String v : f.view().metadata().volumes()) {
      lines.add(new Line(outcome, "volume", v, uri, f.sandbox(), why, err));
    }
    String bridge = f.view().metadata().ovsBridge();
    for (DomainView.NicView n : f.view().ovsNics()) {
      lines.add(new Line(outcome, "OVS port", bridge + "/" + n.device(), uri, f.sandbox(), why,
          err));
    }
  }
}
