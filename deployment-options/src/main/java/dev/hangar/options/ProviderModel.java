package dev.hangar.options;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The cloud provider resource model and the attributes the driver reads from it. */
public final class ProviderModel {
  /** The shell (provider) model name; attributes may arrive as {@code "<NAME>.<attr>"}. */
  public static final String NAME = "Hangar Cloud Provider";

  public static final AttributeSpec CLOUD_TYPE = AttributeSpec.choice("Cloud Type", "KVM",
      "Which cloud this provider drives; selects the backend.", "KVM", "AWS", "OpenStack");
  public static final AttributeSpec NETWORKING_TYPE = AttributeSpec.choice("Networking type",
      "L2", "L2 (VLANs on vNICs, ApplyConnectivityChanges) or L3 (sandbox subnets).", "L2", "L3");
  public static final AttributeSpec REGION = AttributeSpec.string("Region", "",
      "The cloud region (AWS, OpenStack).");
  public static final AttributeSpec NETWORKS_IN_USE = AttributeSpec.string("Networks in use", "",
      "CIDRs the sandbox networks must not overlap.");
  public static final AttributeSpec VLAN_TYPE = AttributeSpec.choice("VLAN Type", "VLAN",
      "How L2 networks are isolated: VLAN (802.1Q ids 1-4094 on a shared trunk) or VXLAN (ids"
          + " are VNIs 1-16777215; KVM hosts join each VNI by VXLAN tunnels over IP, see Tunnel"
          + " Endpoints).", "VLAN", "VXLAN");
  public static final AttributeSpec HYPERVISORS = AttributeSpec.string("Hypervisors",
      "test:///default", "Comma-separated libvirt URIs of the KVM hosts.");
  public static final AttributeSpec OVS_BRIDGE = AttributeSpec.string("OVS Bridge", "br-int",
      "The Open vSwitch bridge that carries the apps' vNICs.");
  public static final AttributeSpec OVSDB_REMOTE = AttributeSpec.string("OVSDB Remote", "",
      "How to reach each host's OVSDB: tcp:HOST:PORT or unix:/path/db.sock (over SSH for remote"
          + " hosts); one value for all hosts or one per hypervisor, comma-separated (empty:"
          + " unix:/var/run/openvswitch/db.sock, or for libvirt's in-process test:///default"
          + " the private ovsdb-server of Hangar's embedded default).");
  public static final AttributeSpec TUNNEL_ENDPOINTS = AttributeSpec.string("Tunnel Endpoints",
      "", "With VLAN Type VXLAN (KVM): each hypervisor's VXLAN tunnel endpoint, the IP address"
          + " its peers send VXLAN to, one per hypervisor in the order of Hypervisors,"
          + " comma-separated.");
  public static final AttributeSpec STORAGE_POOL = AttributeSpec.string("Storage Pool",
      "default", "The libvirt storage pool holding templates and VM disks.");
  public static final AttributeSpec MANAGEMENT_NETWORK = AttributeSpec.string(
      "Management Network", "", "The network of each VM's management NIC: a libvirt network"
          + " (KVM; empty: none) or a Neutron network name or id (OpenStack; required).");
  public static final AttributeSpec AREAS = AttributeSpec.string("Areas", "",
      "KVM failover areas: hypervisors that share the storage pool (the same path on each) and"
          + " restart each other's VMs, as 'area1: URI, URI; area2: URI' with URIs from"
          + " Hypervisors (empty: no areas, no recovery).");
  public static final AttributeSpec VIRTUALIZATION = AttributeSpec.choice("Virtualization",
      "Auto", "How KVM guests run: KVM (hardware virtualization), TCG (qemu's software"
          + " emulation: slower, runs anywhere; for hosts whose /dev/kvm does not work for guests)"
          + " or Auto (KVM where the hypervisor offers it, else TCG).", "Auto", "KVM", "TCG");

  public static final AttributeSpec SSH_USER = AttributeSpec.string("SSH User", "root",
      "The user for SSH to remote hypervisors (when a URI names none).");
  public static final AttributeSpec SSH_PRIVATE_KEY = AttributeSpec.password("SSH Private Key",
      "The private key (OpenSSH or PEM text) for SSH to remote hypervisors.");
  public static final AttributeSpec SSH_PASSWORD = AttributeSpec.password("SSH Password",
      "The password for SSH to remote hypervisors, when no key is set.");

  public static final AttributeSpec AWS_ACCESS_KEY_ID = AttributeSpec.string("AWS Access Key ID",
      "", "The access key id of the AWS credentials (empty: the host's own AWS credentials).");
  public static final AttributeSpec AWS_SECRET_ACCESS_KEY = AttributeSpec.password(
      "AWS Secret Access Key", "The secret access key of the AWS credentials.");
  public static final AttributeSpec INSTANCE_TYPE = AttributeSpec.string("Instance Type",
      "t3.micro", "The EC2 instance type of apps whose deployment path sets none.");
  public static final AttributeSpec ENDPOINT = AttributeSpec.string("Endpoint", "",
      "An EC2 endpoint URL to use instead of AWS's own for the region (EC2-compatible clouds,"
          + " tests); empty for AWS.");

  public static final AttributeSpec SANDBOX_HOST = AttributeSpec.string("Sandbox Host", "",
      "HOST:PORT of the hangar serve host the shell's Python driver forwards commands to.");
  public static final AttributeSpec SANDBOX_HOST_TOKEN = AttributeSpec.password(
      "Sandbox Host Token", "The bearer token of that host (its HANGAR_TOKEN or --token-file).");
  public static final AttributeSpec SANDBOX_HOST_CA = AttributeSpec.string("Sandbox Host CA", "",
      "PEM of the CA that signed the host's TLS certificate; empty: plaintext (loopback or a"
          + " trusted network only).");

  public static final AttributeSpec KEYSTONE_URL = AttributeSpec.string("Keystone URL", "",
      "OpenStack's identity endpoint (Keystone v3), e.g. http://controller:5000/v3.");
  public static final AttributeSpec OPENSTACK_DOMAIN = AttributeSpec.string("OpenStack Domain",
      "Default", "The Keystone domain of the OpenStack user and project.");
  public static final AttributeSpec OPENSTACK_PROJECT = AttributeSpec.string("OpenStack Project",
      "", "The OpenStack project (tenant) the sandboxes live in.");
  public static final AttributeSpec OPENSTACK_USER = AttributeSpec.string("OpenStack User", "",
      "The OpenStack user; creating provider VLAN networks needs the admin role.");
  public static final AttributeSpec OPENSTACK_PASSWORD = AttributeSpec.password(
      "OpenStack Password", "The OpenStack user's password.");
  public static final AttributeSpec PHYSICAL_NETWORK = AttributeSpec.string("Physical Network",
      "physnet1", "The Neutron physical network of the sandboxes' provider VLAN networks (L2).");
  public static final AttributeSpec VLAN_RANGE = AttributeSpec.string("VLAN Range", "",
      "The VLAN ids sandboxes may use on the physical network, e.g. 1000-2999 (empty: any).");
  public static final AttributeSpec EXTERNAL_NETWORK = AttributeSpec.string("External Network",
      "", "The Neutron external network of floating IPs and sandbox routers (empty: none).");
  public static final AttributeSpec FLAVOR = AttributeSpec.string("Flavor", "",
      "The Nova flavor of apps whose deployment path sets none.");

  public static final AttributeSpec SANDBOX_LIFETIME = AttributeSpec.number("Sandbox Lifetime",
      "0", "Hours after its creation that an object of a sandbox counts as expired, for the"
          + " reaper (hangar reap); a sandbox expires when all its objects have. 0: never"
          + " expires.");

  public static final AttributeSpec QUOTAS = AttributeSpec.string("Quotas", "",
      "Limits enforced at Deploy, counted from the cloud by Hangar's marks (KVM, AWS,"
          + " OpenStack): per owner domain and per reservation, e.g. domain.vms=20,"
          + " domain.vcpus=64, domain.ram=131072, reservation.vms=10,"
          + " reservation.public-ips=2 (RAM in MiB; public IPs on AWS and OpenStack); empty: no"
          + " limits.");

  private static final List<AttributeSpec> ALL = List.of(CLOUD_TYPE, NETWORKING_TYPE, REGION,
      NETWORKS_IN_USE, VLAN_TYPE, HYPERVISORS, OVS_BRIDGE, OVSDB_REMOTE, TUNNEL_ENDPOINTS,
      STORAGE_POOL, MANAGEMENT_NETWORK, VIRTUALIZATION, AREAS, SSH_USER, SSH_PRIVATE_KEY,
      SSH_PASSWORD,
      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, INSTANCE_TYPE, ENDPOINT, KEYSTONE_URL,
      OPENSTACK_DOMAIN, OPENSTACK_PROJECT, OPENSTACK_USER, OPENSTACK_PASSWORD, PHYSICAL_NETWORK,
      VLAN_RANGE, EXTERNAL_NETWORK, FLAVOR, SANDBOX_HOST, SANDBOX_HOST_TOKEN, SANDBOX_HOST_CA,
      SANDBOX_LIFETIME, QUOTAS);
  private static final Map<String, AttributeSpec> BY_NAME = ALL.stream()
      .collect(Collectors.toUnmodifiableMap(AttributeSpec::name, a -> a));

  private ProviderModel() {}

  public static List<AttributeSpec> attributes() {
    return ALL;
  }

  public static Optional<AttributeSpec> attribute(String name) {
    return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
  }
}
