package dev.hangar.driver.openstack;

import dev.hangar.datamodel.WireId;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.datamodel.result.VmDetailsProperty;
import dev.hangar.datamodel.result.VmNetworkInterface;
import dev.hangar.driver.spi.Addresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.Address;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.Port;

/**
 * A server as the platform shows it: image, flavor and status shown, host and availability zone
 * hidden; one vmNetworkData entry per port, the first (primary) being the one Nova made on the
 * management network at boot, then the VLAN ports in the order they were attached.
 */
final class ServerDetails {
  private ServerDetails() {}

  static VmDetailsData of(Server server, List<Port> ports, String appName,
      OpenStackSettings settings) {
    List<VmDetailsProperty> props = new ArrayList<>();
    props.add(VmDetailsProperty.shown("Server ID", server.getId()));
    props.add(VmDetailsProperty.shown("Image", nz(server.getImageId())));
    props.add(VmDetailsProperty.shown("Flavor", nz(server.getFlavorId())));
    props.add(VmDetailsProperty.shown("Status", server.getStatus() == null ? ""
        : server.getStatus().name()));
    props.add(VmDetailsProperty.hidden("Availability Zone", nz(server.getAvailabilityZone())));
    props.add(VmDetailsProperty.hidden("Host", nz(server.getHypervisorHostname())));
    String floating = floating(server);
    List<VmNetworkInterface> nics = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      Port p = ports.get(i);
      String ip = fixedIp(p);
      List<VmDetailsProperty> data = new ArrayList<>();
      data.add(VmDetailsProperty.shown("IP", ip));
      if (i == 0 && !floating.isEmpty()) {
        data.add(VmDetailsProperty.shown("Floating IP", floating));
      }
      data.add(VmDetailsProperty.shown("MAC Address", nz(p.getMacAddress())));
      data.add(VmDetailsProperty.hidden("Network ID", nz(p.getNetworkId())));
      nics.add(new VmNetworkInterface(WireId.of(p.getId()), WireId.of(nz(p.getNetworkId())),
          i == 0, false, data, ip, i == 0 ? floating : ""));
    }
    return new VmDetailsData(appName, "", props, nics);
  }

  /** The first fixed address and the floating one, from the server's address list. */
  static Addresses addresses(Server server, OpenStackSettings settings) {
    String fixed = "";
    if (server.getAddresses() != null && server.getAddresses().getAddresses() != null) {
      Map<String, List<? extends Address>> all = server.getAddresses().getAddresses();
      List<? extends Address> mgmt = all.get(settings.managementNetwork());
      for (List<? extends Address> list : mgmt != null ? List.of(mgmt) : all.values()) {
        for (Address a : list) {
          if (fixed.isEmpty() && !"floating".equals(a.getType()) && a.getVersion() == 4) {
            fixed = nz(a.getAddr());
          }
        }
      }
    }
    return new Addresses(fixed, floating(server));
  }

  static String floating(Server server) {
    if (server.getAddresses() == null || server.getAddresses().getAddresses() == null) {
      return "";
    }
    for (List<? extends Address> list : server.getAddresses().getAddresses().values()) {
      for (Address a : list) {
        if ("floating".equals(a.getType())) {
          return nz(a.getAddr());
        }
      }
    }
    return "";
  }

  /** Ports Nova made (not named by Hangar) first, then Hangar's by creation. */
  static List<Port> ordered(List<? extends Port> ports, String unused) {
    List<Port> out = new ArrayList<>(ports);
    out.sort(Comparator.comparing((Port p) -> p.getName() != null
        && p.getName().startsWith(Marks.PREFIX)).thenComparing(p -> p.getCreatedTime() == null
        ? new java.util.Date(0) : p.getCreatedTime()).thenComparing(Port::getId));
    return out;
  }

  static String fixedIp(Port p) {
    if (p.getFixedIps() == null) {
      return "";
    }
    for (IP ip : p.getFixedIps()) {
      if (ip.getIpAddress() != null && ip.getIpAddress().indexOf(':') < 0) {
        return ip.getIpAddress();
      }
    }
    return "";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
