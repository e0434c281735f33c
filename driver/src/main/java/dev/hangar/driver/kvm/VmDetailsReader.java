package dev.hangar.driver.kvm;

import dev.hangar.datamodel.WireId;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.datamodel.result.VmDetailsProperty;
import dev.hangar.datamodel.result.VmNetworkInterface;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortVlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterface;
import org.libvirt.LibvirtException;

/** A VM's details, read live from libvirt (and the VLANs of its ports from OVSDB). */
final class VmDetailsReader {
  private final OvsPorts ports;

  VmDetailsReader(OvsPorts ports) {
    this.ports = ports;
  }

  /** The details as libvirt and OVSDB have them now. */
  VmDetailsData read(String appName, Hypervisor host, Domain domain) throws LibvirtException {
    DomainView view = DomainView.parse(domain.getXMLDesc(0));
    return build(appName, host, domain, view, domain.getInfo().state, null, null);
  }

  /**
   * The details of a VM Deploy just made and started: its definition, its state and its parked
   * ports are known, and its addresses are read only when Deploy found one.
   */
  VmDetailsData readJustStarted(String appName, Hypervisor host, Domain domain, DomainView view,
      String ip) {
    Map<String, OvsPort> parked = new HashMap<>();
    for (DomainView.NicView n : view.ovsNics()) {
      parked.put(n.device(), new OvsPort(n.device(), PortVlan.parked(), Map.of()));
    }
    return build(appName, host, domain, view, DomainInfo.DomainState.VIR_DOMAIN_RUNNING, parked,
        ip.isEmpty() ? Map.of() : null);
  }

  /** {@code knownPorts} and {@code knownIps}, when null, are read. */
  private VmDetailsData build(String appName, Hypervisor host, Domain domain, DomainView view,
      DomainInfo.DomainState state, Map<String, OvsPort> knownPorts,
      Map<String, String> knownIps) {
    boolean running = state == DomainInfo.DomainState.VIR_DOMAIN_RUNNING;
    List<VmDetailsProperty> instance = new ArrayList<>();
    instance.add(VmDetailsProperty.shown("Hypervisor", host.uri()));
    instance.add(VmDetailsProperty.shown("State", state(state)));
    instance.add(VmDetailsProperty.shown("vCPU", Integer.toString(view.vcpus())));
    instance.add(VmDetailsProperty.shown("RAM", view.memoryKiB() / 1024 + " MiB"));
    instance.add(VmDetailsProperty.shown("Disks", disks(view)));
    VmMetadata m = view.metadata();
    if (m != null && !m.template().isEmpty()) {
      instance.add(VmDetailsProperty.shown("Template", m.template()));
    }
    instance.add(VmDetailsProperty.hidden("Domain Name", view.name()));
    if (m != null) {
      instance.add(VmDetailsProperty.hidden("Deployment Path", m.deploymentPath()));
    }
    Map<String, String> ips = knownIps != null ? knownIps
        : running ? addresses(domain) : Map.of();
    OvsPorts bridge = ports.on(m == null ? "" : m.ovsBridge());
    List<String> devices = view.ovsNics().stream().map(DomainView.NicView::device).toList();
    Map<String, OvsPort> ovs = knownPorts != null ? knownPorts
        : devices.isEmpty() ? Map.of() : portsOrNull(bridge, host, devices);
    List<VmNetworkInterface> nics = new ArrayList<>();
    for (DomainView.NicView n : view.nics()) {
      nics.add(nic(n, ips.getOrDefault(n.mac(), ""), bridge.bridge(), ovs));
    }
    return new VmDetailsData(appName, "", instance, nics);
  }

  /** {@code ovs} is null when OVSDB could not be read. */
  private static VmNetworkInterface nic(DomainView.NicView n, String ip, String bridge,
      Map<String, OvsPort> ovs) {
    List<VmDetailsProperty> data = new ArrayList<>();
    data.add(VmDetailsProperty.shown("MAC Address", n.mac()));
    data.add(VmDetailsProperty.shown("Device", "eth" + n.index()));
    String networkId;
    if (n.onOvs()) {
      networkId = bridge;
      data.add(VmDetailsProperty.shown("Bridge", bridge));
      data.add(VmDetailsProperty.shown("VLAN", ovs == null ? "unknown (OVSDB unreachable)"
          : vlan(ovs.get(n.device()))));
      data.add(VmDetailsProperty.hidden("Port", n.device()));
    } else {
      networkId = n.network().isEmpty() ? n.type() : n.network();
      data.add(VmDetailsProperty.shown("Network", networkId));
    }
    if (!ip.isEmpty()) {
      data.add(VmDetailsProperty.shown("IP", ip));
    }
    return new VmNetworkInterface(WireId.of(n.mac()), WireId.of(networkId), n.index() == 0,
        !n.onOvs(), data, ip, "");
  }

  private static Map<String, OvsPort> portsOrNull(OvsPorts bridge, Hypervisor host,
      List<String> names) {
    try {
      return bridge.read(host.target(), names);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String vlan(OvsPort port) {
    if (port == null) {
      return "no port";
    }
    PortVlan v = port.vlan();
    if (v.isParked()) {
      return "none (parked on " + PortVlan.PARKED_TAG + ")";
    }
    if ("trunk".equals(v.vlanMode())) {
      return "trunk " + v.trunks();
    }
    if ("dot1q-tunnel".equals(v.vlanMode())) {
      return "QinQ service " + v.tag();
    }
    return v.tag() == null ? "untagged" : Integer.toString(v.tag());
  }

  /** MAC → first IPv4 address, from the lease, then the agent. */
  static Map<String, String> addresses(Domain domain) {
    Map<String, String> out = new HashMap<>();
    for (IpWaiter.Source s : IpWaiter.Source.values()) {
      try {
        for (DomainInterface i : domain.interfaceAddresses(s.flag, 0)) {
          for (DomainInterface.InterfaceAddress a : i.addrs) {
            if (i.hwAddr != null && a.address instanceof java.net.Inet4Address) {
              out.putIfAbsent(i.hwAddr.toLowerCase(java.util.Locale.ROOT),
                  a.address.getHostAddress());
            }
          }
        }
      } catch (LibvirtException e) {
        // This source is unavailable for the domain (no agent, no lease); try the next.
      }
    }
    return out;
  }

  private static String disks(DomainView view) {
    List<String> out = new ArrayList<>();
    for (DomainView.DiskView d : view.disks()) {
      String src = d.volume().isEmpty() ? d.file() : d.pool() + "/" + d.volume();
      out.add(d.target() + ": " + src + (d.device().equals("cdrom") ? " (cdrom)" : ""));
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  static String state(DomainInfo.DomainState s) {
    return switch (s) {
      case VIR_DOMAIN_RUNNING -> "running";
      case VIR_DOMAIN_BLOCKED -> "blocked";
      case VIR_DOMAIN_PAUSED -> "paused";
      case VIR_DOMAIN_SHUTDOWN -> "shutting down";
      case VIR_DOMAIN_SHUTOFF -> "shut off";
      case VIR_DOMAIN_CRASHED -> "crashed";
      case VIR_DOMAIN_PMSUSPENDED -> "suspended";
      default -> "unknown";
    };
  }
}
