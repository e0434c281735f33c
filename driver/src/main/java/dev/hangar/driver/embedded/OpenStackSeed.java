package dev.hangar.driver.embedded;

import java.io.ByteArrayInputStream;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.common.Payloads;
import org.openstack4j.model.image.v2.ContainerFormat;
import org.openstack4j.model.image.v2.DiskFormat;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.AttachInterfaceType;
import org.openstack4j.model.network.NetworkType;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.openstack.OSFactory;

/**
 * What an OpenStack admin sets up before Hangar's provider resource is created, made once per
 * JVM on the shared {@link PrivateOpenStack} (for the tests and the benchmark): the management network with a subnet, an external network for
 * floating IPs with a router from the management subnet to it, a small image and a flavor.
 */
public final class OpenStackSeed {
  public static final String MANAGEMENT = "hangar-test-mgmt";
  public static final String MANAGEMENT_CIDR = "10.90.0.0/24";
  public static final String EXTERNAL = "hangar-test-public";
  public static final String IMAGE = "hangar-test-image";
  public static final String FLAVOR = "hangar.tiny";

  private static OpenStackSeed shared;

  public final String managementId;
  public final String externalId;
  public final String imageId;

  private OpenStackSeed(String managementId, String externalId, String imageId) {
    this.managementId = managementId;
    this.externalId = externalId;
    this.imageId = imageId;
  }

  /** Made on the first call, for the JVM's shared stack. */
  public static synchronized OpenStackSeed shared(PrivateOpenStack stack) {
    if (shared == null) {
      shared = create(stack);
    }
    return shared;
  }

  private static OpenStackSeed create(PrivateOpenStack stack) {
    OSClientV3 os = OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
    Network mgmt = os.networking().network().create(Builders.network().name(MANAGEMENT)
        .adminStateUp(true).build());
    Subnet mgmtSubnet = os.networking().subnet().create(Builders.subnet()
        .name(MANAGEMENT + "-v4").networkId(mgmt.getId()).ipVersion(IPVersionType.V4)
        .cidr(MANAGEMENT_CIDR).enableDHCP(true).build());
    Network ext = os.networking().network().create(Builders.network().name(EXTERNAL)
        .adminStateUp(true).isRouterExternal(true).networkType(NetworkType.FLAT)
        .physicalNetwork(stack.physicalNetwork()).build());
    os.networking().subnet().create(Builders.subnet().name(EXTERNAL + "-v4")
        .networkId(ext.getId()).ipVersion(IPVersionType.V4).cidr("203.0.113.0/24")
        .enableDHCP(false).build());
    // floating IPs reach the management subnet through a router (no L3 agent: Neutron's
    // database is all there is)
    Router router = os.networking().router().create(Builders.router().name(MANAGEMENT
        + "-router").externalGateway(ext.getId()).build());
    os.networking().router().attachInterface(router.getId(), AttachInterfaceType.SUBNET,
        mgmtSubnet.getId());
    Image image = os.imagesV2().create(Builders.imageV2().name(IMAGE)
        .containerFormat(ContainerFormat.BARE).diskFormat(DiskFormat.RAW).build());
    os.imagesV2().upload(image.getId(), Payloads.create(new ByteArrayInputStream(
        new byte[4096])), image);
    os.compute().flavors().create(Builders.flavor().name(FLAVOR).ram(64).vcpus(1).disk(0)
        .build());
    return new OpenStackSeed(mgmt.getId(), ext.getId(), image.getId());
  }
}
