package dev.hangar.driver.aws;

import dev.hangar.datamodel.WireId;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.datamodel.result.VmDetailsProperty;
import dev.hangar.datamodel.result.VmNetworkInterface;
import dev.hangar.driver.spi.Addresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;

/**
 * An instance as the platform shows it: AMI, type and platform shown, VPC and availability zone
 * hidden; one vmNetworkData entry per network interface in device order, the primary being
 * device 0.
 */
final class InstanceDetails {
  private InstanceDetails() {}

  static VmDetailsData of(Instance i, String appName) {
    List<VmDetailsProperty> props = new ArrayList<>();
    props.add(VmDetailsProperty.shown("Instance ID", i.instanceId()));
    props.add(VmDetailsProperty.shown("AMI", nz(i.imageId())));
    props.add(VmDetailsProperty.shown("Instance Type", nz(i.instanceTypeAsString())));
    props.add(VmDetailsProperty.shown("Platform", platform(i)));
    props.add(VmDetailsProperty.shown("State", i.state() == null ? "" : i.state().nameAsString()));
    props.add(VmDetailsProperty.hidden("VPC ID", nz(i.vpcId())));
    props.add(VmDetailsProperty.hidden("Availability Zone",
        i.placement() == null ? "" : nz(i.placement().availabilityZone())));
    List<VmNetworkInterface> nics = new ArrayList<>();
    for (InstanceNetworkInterface n : ordered(i)) {
      int device = device(n);
      String publicIp = publicIp(n);
      List<VmDetailsProperty> data = new ArrayList<>();
      data.add(VmDetailsProperty.shown("IP", nz(n.privateIpAddress())));
      if (!publicIp.isEmpty()) {
        data.add(VmDetailsProperty.shown("Public IP", publicIp));
      }
      data.add(VmDetailsProperty.shown("MAC Address", nz(n.macAddress())));
      data.add(VmDetailsProperty.shown("Device Index", String.valueOf(device)));
      data.add(VmDetailsProperty.hidden("Subnet ID", nz(n.subnetId())));
      nics.add(new VmNetworkInterface(WireId.of(n.networkInterfaceId()), WireId.of(
          nz(n.subnetId())), device == 0, false, data, n.privateIpAddress(), publicIp));
    }
    return new VmDetailsData(appName, "", props, nics);
  }

  /** Device 0's private address and the instance's public one. */
  static Addresses addresses(Instance i) {
    InstanceNetworkInterface primary = ordered(i).stream().findFirst().orElse(null);
    String privateIp = primary != null && primary.privateIpAddress() != null
        ? primary.privateIpAddress() : nz(i.privateIpAddress());
    String publicIp = nz(i.publicIpAddress());
    if (publicIp.isEmpty() && primary != null) {
      publicIp = publicIp(primary);
    }
    return new Addresses(privateIp, publicIp);
  }

  static List<InstanceNetworkInterface> ordered(Instance i) {
    List<InstanceNetworkInterface> out = new ArrayList<>(i.networkInterfaces());
    out.sort(Comparator.comparingInt(InstanceDetails::device));
    return out;
  }

  static int device(InstanceNetworkInterface n) {
    return n.attachment() == null || n.attachment().deviceIndex() == null ? Integer.MAX_VALUE
        : n.attachment().deviceIndex();
  }

  static String publicIp(InstanceNetworkInterface n) {
    return n.association() == null ? "" : nz(n.association().publicIp());
  }

  private static String platform(Instance i) {
    if (i.platformDetails() != null && !i.platformDetails().isEmpty()) {
      return i.platformDetails();
    }
    return i.platformAsString() == null ? "Linux/UNIX" : i.platformAsString();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
