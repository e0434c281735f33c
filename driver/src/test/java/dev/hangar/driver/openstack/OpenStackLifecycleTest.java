package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.deployApp;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.orchestrator.ApiCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.NetFloatingIP;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * One app's whole life on the real stack, through the driver: get_inventory, Deploy (a retry of
 * the same actionId finds the same server), PowerOff/PowerOn, GetVmDetails, remote_refresh_ip,
 * DeleteInstance (twice: gone is success), and nothing is left in Nova or Neutron.
 */
class OpenStackLifecycleTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  @Test
  void oneAppFromDeployToDeleteLeavesNothingBehind() {
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");

    String req = request(deployApp("d1", "web", Map.of("Image", OpenStackSeed.IMAGE,
        "Floating IP", "True")));
    JsonNode deployed = results(bed.driver.deploy(bed.resource(), req,
        CancellationContext.NONE)).get(0);
    assertThat(deployed.path("success").asBoolean()).as(deployed.toString()).isTrue();
    String id = deployed.path("vmUuid").asText();
    String ip = deployed.path("deployedAppAddress").asText();
    assertThat(ip).startsWith("10.90.0.");
    OSClientV3 os = bed.admin();
    Server server = os.compute().servers().get(id);
    assertThat(server.getStatus()).isEqualTo(Server.Status.ACTIVE);
    assertThat(server.getMetadata()).containsEntry("hangar-sandbox", bed.sandbox)
        .containsEntry("hangar-app", "web").containsEntry("hangar-action", "d1");
    List<? extends NetFloatingIP> fips = os.networking().floatingip().list(Map.of("port_id",
        os.networking().port().list(PortListOptions.create().deviceId(id)).get(0).getId()));
    assertThat(fips).hasSize(1);
    assertThat(deployed.toString()).contains(fips.get(0).getFloatingIpAddress());

    // a retry of the same actionId answers the same server
    JsonNode again = results(bed.driver.deploy(bed.resource(), req, CancellationContext.NONE))
        .get(0);
    assertThat(again.path("vmUuid").asText()).isEqualTo(id);
    assertThat(again.path("infoMessage").asText()).contains("earlier attempt");
    assertThat(os.compute().servers().list(Map.of("name", server.getName()))).hasSize(1);

    bed.driver.powerOff(bed.remote("web", id));
    assertThat(os.compute().servers().get(id).getStatus()).isEqualTo(Server.Status.SHUTOFF);
    bed.driver.powerOff(bed.remote("web", id));
    bed.driver.powerOn(bed.remote("web", id));
    assertThat(os.compute().servers().get(id).getStatus()).isEqualTo(Server.Status.ACTIVE);

    String details = bed.driver.getVmDetails(bed.resource(), "{\"items\":[{\"appRequestJson\":"
        + "\"\",\"deployedAppJson\":" + OpenStackTestbed.CODEC.write(OpenStackTestbed.CODEC
        .write(Map.of("name", "web", "vmdetails", Map.of("uid", id)))) + "}]}",
        CancellationContext.NONE);
    JsonNode d = OpenStackTestbed.json(details).get(0);
    assertThat(d.path("errorMessage").asText()).isEmpty();
    assertThat(d.path("vmNetworkData").get(0).path("privateIpAddress").asText()).isEqualTo(ip);
    assertThat(d.path("vmNetworkData").get(0).path("isPrimary").asBoolean()).isTrue();

    bed.api.clear();
    bed.driver.remoteRefreshIp(bed.remote("web", id), CancellationContext.NONE);
    assertThat(bed.api.calls()).extracting(ApiCall::toString).anySatisfy(c ->
        assertThat(c).contains("UpdateResourceAddress").contains(ip));

    bed.driver.deleteInstance(bed.remote("web", id));
    Server gone = os.compute().servers().get(id); // an admin still reads it as DELETED a while
    assertThat(gone == null || gone.getStatus() == Server.Status.DELETED).as(String.valueOf(gone))
        .isTrue();
    assertThat(os.networking().port().list(PortListOptions.create().deviceId(id))).isEmpty();
    assertThat(os.networking().floatingip().list(Map.of("floating_ip_address",
        fips.get(0).getFloatingIpAddress()))).isEmpty();
    bed.driver.deleteInstance(bed.remote("web", id)); // already gone: success
  }
}
