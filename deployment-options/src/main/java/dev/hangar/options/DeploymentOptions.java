package dev.hangar.options;

import java.util.List;
import java.util.Optional;

/** The deployment paths Hangar defines. */
public final class DeploymentOptions {
  /** The KVM paths' optional failover area (one of the provider's 'Areas'). */
  private static AttributeSpec kvmArea() {
    return AttributeSpec.string("Area", "", "Optional failover area (one of the provider's"
        + " Areas) whose hypervisors alone may run the VM; empty: any hypervisor.");
  }

  public static final DeploymentOption KVM_FROM_TEMPLATE = new DeploymentOption(
      "KVM VM From Template", "KVM",
      "A KVM VM whose disk is a linked clone (qcow2 backing file) of a template volume.",
      StandardAttributes.with(
          AttributeSpec.string("Template", "", "The template volume in the storage pool."),
          AttributeSpec.number("CPU", "1", "Virtual CPUs."),
          AttributeSpec.number("RAM", "1024", "Memory in MiB."),
          AttributeSpec.number("Disk Size", "0", "Disk size in GiB; 0 keeps the template's."),
          AttributeSpec.number("NIC Count", "1",
              "Extra vNICs, parked on the dead VLAN until connected."),
          AttributeSpec.string("Cloud-Init User Data", "",
              "Optional cloud-init user data, given to the VM as a NoCloud seed."),
          kvmArea()));

  public static final DeploymentOption KVM_FROM_KERNEL = new DeploymentOption(
      "KVM VM From Kernel", "KVM",
      "A KVM VM booted directly from a kernel and initrd, for light appliances and test guests.",
      StandardAttributes.with(
          AttributeSpec.string("Kernel", "", "Path of the kernel image on the hypervisor."),
          AttributeSpec.string("Initrd", "", "Path of the initrd on the hypervisor."),
          AttributeSpec.string("Kernel Cmdline", "console=ttyS0", "The kernel command line."),
          AttributeSpec.number("CPU", "1", "Virtual CPUs."),
          AttributeSpec.number("RAM", "256", "Memory in MiB."),
          AttributeSpec.number("NIC Count", "1",
              "Extra vNICs, parked on the dead VLAN until connected."),
          kvmArea()));

  public static final DeploymentOption AWS_EC2_INSTANCE = new DeploymentOption(
      "AWS EC2 Instance", "AWS", "An EC2 instance in the sandbox's VPC.",
      StandardAttributes.with(
          AttributeSpec.string("AWS AMI Id", "", "The AMI to launch."),
          AttributeSpec.string("Instance Type", "",
              "The instance type; empty uses the provider's default."),
          AttributeSpec.choice("Public IP Options", "No Public IP",
              "Whether the instance gets a public address.", "No Public IP", "Public IP",
              "Elastic IP"),
          AttributeSpec.string("User Data", "", "User data passed to the instance."),
          AttributeSpec.string("Custom Tags", "",
              "Extra tags, as key:value pairs separated by commas."),
          AttributeSpec.string("Inbound Ports", "",
              "Ports open to the sandbox, e.g. 22; 80-81:tcp; 53:udp.")));

  public static final DeploymentOption OPENSTACK_INSTANCE = new DeploymentOption(
      "OpenStack Instance", "OpenStack",
      "A Nova server booted on the provider's management network.",
      StandardAttributes.with(
          AttributeSpec.string("Image", "", "The Glance image to boot: its name or id."),
          AttributeSpec.string("Flavor", "",
              "The Nova flavor (name or id); empty uses the provider's default."),
          AttributeSpec.string("Availability Zone", "",
              "The availability zone to boot in (empty: Nova chooses)."),
          AttributeSpec.string("User Data", "", "User data passed to the server."),
          AttributeSpec.bool("Floating IP", false,
              "Give the server a floating IP from the provider's external network.")));

  private static final List<DeploymentOption> ALL =
      List.of(KVM_FROM_TEMPLATE, KVM_FROM_KERNEL, AWS_EC2_INSTANCE, OPENSTACK_INSTANCE);

  private DeploymentOptions() {}

  public static List<DeploymentOption> all() {
    return ALL;
  }

  /**
   * The option for a deployment path as requests name it: plain, or behind the provider model
   * ({@code "Hangar Cloud Provider.KVM VM From Template"}).
   */
  public static Optional<DeploymentOption> byPath(String deploymentPath) {
    if (deploymentPath == null) {
      return Optional.empty();
    }
    String name = deploymentPath.startsWith(ProviderModel.NAME + ".")
        ? deploymentPath.substring(ProviderModel.NAME.length() + 1)
        : deploymentPath;
    return ALL.stream().filter(o -> o.name().equals(name)).findFirst();
  }
}
