package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.CODEC;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.embedded.OpenStackSeed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * Networking type L3 on the real stack: PrepareSandboxInfra makes the network, the router to
 * the External Network, the subnets on it, the sandbox group and the key pair, and a second
 * Prepare finds them; a Deploy boots on a sandbox subnet with a floating IP; SetAppSecurityGroups
 * opens ports on the app's port (twice: nothing changes); CleanupSandboxInfra deletes it all, the
 * server left behind included, and the project holds exactly what it held before; a second
 * Cleanup succeeds. A Prepare failing in its middle (Neutron refusing an overlapping subnet)
 * leaves the project as it found it, and so does one cancelled in its middle; a network in
 * 'Networks in use' is refused.
 */
class OpenStackL3Test {
  private final OpenStackTestbed bed = new OpenStackTestbed();

  OpenStackL3Test() {
    bed.attributes.put("Hangar Cloud Provider.Networking type", "L3");
    bed.attributes.put("Hangar Cloud Provider.Networks in use", "10.9.0.0/16");
  }

  @Test
  void prepareDeployOpenPortsAndCleanupLeaveTheProjectAsItWas() {
    OSClientV3 os = bed.admin();
    Map<String, TreeSet<String>> before = state(os);

    JsonNode first = prepare("10.0.0.0/24", "10.0.0.0/28", "10.0.0.16/28");
    assertThat(first).hasSize(4).allSatisfy(r -> assertThat(r.path("success").asBoolean())
        .as(r.toString()).isTrue());
    String networkId = first.get(0).path("networkId").asText();
    String groupId = first.get(0).path("securityGroupId").asText();
    String key = first.get(1).path("accessKey").asText();
    assertThat(key).startsWith("-----BEGIN");
    String publicSubnet = first.get(2).path("subnetId").asText();
    String privateSubnet = first.get(3).path("subnetId").asText();
    assertThat(os.networking().subnet().get(publicSubnet).getCidr()).isEqualTo("10.0.0.0/28");
    assertThat(os.networking().subnet().get(privateSubnet).getNetworkId()).isEqualTo(networkId);
    Router router = os.networking().router().list().stream().filter(r -> SandboxMarks
        .router(bed.sandbox).equals(r.getName())).findFirst().orElseThrow();
    assertThat(router.getExternalGatewayInfo().getNetworkId()).isEqualTo(bed.cloud.externalId);
    assertThat(os.networking().port().list(PortListOptions.create().deviceId(router.getId())
        .deviceOwner(SandboxInfra.ROUTER_INTERFACE))).hasSize(2);
    assertThat(os.compute().keypairs().get(SandboxMarks.keyPair(bed.sandbox))).isNotNull();
    assertThat(bed.api.calls().toString()).doesNotContain(key.substring(40, 80));

    JsonNode again = prepare("10.0.0.0/24", "10.0.0.0/28", "10.0.0.16/28");
    assertThat(again).allSatisfy(r -> assertThat(r.path("success").asBoolean())
        .as(r.toString()).isTrue());
    assertThat(again.get(0).path("networkId").asText()).isEqualTo(networkId);
    assertThat(again.get(0).path("securityGroupId").asText()).isEqualTo(groupId);
    assertThat(again.get(2).path("subnetId").asText()).isEqualTo(publicSubnet);
    assertThat(again.get(1).path("infoMessage").asText()).contains("replaced");

    // a Deploy on the public subnet, with a floating IP from the External Network
    JsonNode deployed = results(bed.driver.deploy(bed.resource(), request(connectSubnet("c0",
        publicSubnet, "0"), OpenStackTestbed.deployApp("d0", "l3app", Map.of("Image",
            OpenStackSeed.IMAGE, "Floating IP", "True", "Wait for IP", "True"))),
        CancellationContext.NONE));
    JsonNode nic = deployed.get(0);
    JsonNode app = deployed.get(1);
    assertThat(app.path("success").asBoolean()).as(app.toString()).isTrue();
    assertThat(nic.path("type").asText()).isEqualTo("ConnectToSubnet");
    assertThat(nic.path("success").asBoolean()).as(nic.toString()).isTrue();
    JsonNode iface = OpenStackTestbed.json(nic.path("interface").asText());
    assertThat(iface.path("IP").asText()).startsWith("10.0.0.");
    assertThat(iface.path("Public IP").asText()).startsWith("203.0.113.");
    String serverId = app.path("vmUuid").asText();
    Server server = os.compute().servers().get(serverId);
    assertThat(server.getKeyName()).isEqualTo(SandboxMarks.keyPair(bed.sandbox));
    Port port = os.networking().port().get(iface.path("interface_id").asText());
    assertThat(port.getDeviceId()).isEqualTo(serverId);
    assertThat(port.getSecurityGroups()).containsExactly(groupId);

    // inbound rules on the app's port, twice; a bad rule and a missing server fail alone
    String sgRequest = securityGroups(serverId, publicSubnet);
    for (int i = 0; i < 2; i++) {
      JsonNode sg = OpenStackTestbed.json(bed.driver.setAppSecurityGroups(bed.resource(),
          sgRequest));
      assertThat(sg.get(0).path("success").asBoolean()).as(sg.toString()).isTrue();
    }
    SecurityGroup appGroup = os.networking().securitygroup().list(Map.of("name", SandboxMarks
        .appGroup(bed.sandbox, serverId, publicSubnet))).get(0);
    assertThat(appGroup.getRules()).filteredOn(r -> "ingress".equals(r.getDirection()))
        .extracting(r -> r.getProtocol() + ":" + r.getPortRangeMin() + "-"
            + r.getPortRangeMax() + ":" + r.getRemoteIpPrefix())
        .containsExactlyInAnyOrder("tcp:22-22:0.0.0.0/0", "tcp:8080-8081:10.0.0.0/24");
    assertThat(os.networking().port().get(port.getId()).getSecurityGroups())
        .containsExactlyInAnyOrder(groupId, appGroup.getId());
    JsonNode bad = OpenStackTestbed.json(bed.driver.setAppSecurityGroups(bed.resource(),
        "[" + app(serverId, publicSubnet, "gre", "22") + "," + app("no-such-server",
            publicSubnet, "tcp", "22").replace("\"l3app\"", "\"ghost\"") + "]"));
    assertThat(bad.get(0).path("error").asText()).contains("gre");
    assertThat(bad.get(1).path("error").asText()).contains("no longer exists");

    // Cleanup with the server still there: everything goes, twice
    JsonNode clean = cleanup();
    assertThat(clean.path("success").asBoolean()).as(clean.toString()).isTrue();
    assertThat(clean.path("infoMessage").asText()).contains("1 servers", "1 routers",
        "2 subnets", "1 networks", "1 key pairs", "2 security groups");
    assertThat(state(os)).isEqualTo(before);
    JsonNode second = cleanup();
    assertThat(second.path("success").asBoolean()).as(second.toString()).isTrue();
    assertThat(second.path("infoMessage").asText()).isEqualTo("nothing left to clean up");
  }

  @Test
  void aPrepareFailingInItsMiddleDeletesWhatItMade() {
    OSClientV3 os = bed.admin();
    Map<String, TreeSet<String>> before = state(os);
    // Neutron refuses the second subnet: it overlaps the first
    JsonNode overlap = prepare("10.1.0.0/24", "10.1.0.0/28", "10.1.0.0/27");
    assertThat(overlap).hasSize(4).allSatisfy(r -> assertThat(r.path("success").asBoolean())
        .isFalse());
    assertThat(overlap.get(3).path("errorMessage").asText()).contains("10.1.0.0/27")
        .doesNotContain("not prepared");
    assertThat(overlap.get(0).path("errorMessage").asText()).contains("not prepared",
        "b0b0b0b0-0009");
    assertThat(overlap.get(1).path("accessKey").asText()).isEmpty();
    assertThat(state(os)).isEqualTo(before);
    // a network in 'Networks in use' is refused, naming the attribute and the range
    JsonNode reserved = prepare("10.9.0.0/24", "10.9.0.0/28");
    assertThat(reserved.get(0).path("errorMessage").asText()).contains("Networks in use",
        "10.9.0.0/16");
    assertThat(reserved.get(2).path("success").asBoolean()).isFalse();
    // cancelled once its first subnet is made: rolled back the same way
    AtomicBoolean cancel = new AtomicBoolean();
    bed.onProgress = m -> {
      if (m.startsWith("created subnet 10.4.0.0/28")) {
        cancel.set(true);
      }
    };
    JsonNode cancelled = prepare(cancel::get, "10.4.0.0/24", "10.4.0.0/28", "10.4.0.16/28");
    assertThat(cancelled).hasSize(4).allSatisfy(r -> assertThat(r.path("errorMessage")
        .asText()).contains("cancelled"));
    assertThat(state(os)).isEqualTo(before);
    bed.onProgress = m -> { };
    JsonNode ok = prepare("10.3.0.0/24", "10.3.0.0/28");
    assertThat(ok.get(2).path("success").asBoolean()).as(ok.toString()).isTrue();
    assertThat(cleanup().path("success").asBoolean()).isTrue();
    assertThat(state(os)).isEqualTo(before);
  }

  /** Every object of the project, by kind: ids (key pairs by name; servers not DELETED). */
  static Map<String, TreeSet<String>> state(OSClientV3 os) {
    Map<String, TreeSet<String>> m = new LinkedHashMap<>();
    // Nova lists a deleted server (status DELETED) for a moment after its delete
    m.put("servers", ids(os.compute().servers().list().stream().filter(x -> x.getStatus()
        != Server.Status.DELETED).map(Server::getId).toList()));
    m.put("ports", ids(os.networking().port().list().stream().map(Port::getId).toList()));
    m.put("networks", ids(os.networking().network().list().stream().map(Network::getId)
        .toList()));
    m.put("subnets", ids(os.networking().subnet().list().stream().map(Subnet::getId)
        .toList()));
    m.put("routers", ids(os.networking().router().list().stream().map(Router::getId)
        .toList()));
    m.put("floating IPs", ids(os.networking().floatingip().list().stream().map(f -> f.getId())
        .toList()));
    m.put("key pairs", ids(os.compute().keypairs().list().stream().map(k -> k.getName())
        .toList()));
    m.put("security groups", ids(os.networking().securitygroup().list().stream()
        .map(SecurityGroup::getId).toList()));
    return m;
  }

  private static TreeSet<String> ids(List<String> ids) {
    return new TreeSet<>(ids);
  }

  private JsonNode prepare(String network, String... subnets) {
    return prepare(CancellationContext.NONE, network, subnets);
  }

  private JsonNode prepare(CancellationContext cancel, String network, String... subnets) {
    List<String> actions = new ArrayList<>();
    actions.add("{\"actionId\":\"b0b0b0b0-0006\",\"type\":\"prepareCloudInfra\","
        + "\"actionParams\":{\"type\":\"prepareCloudInfraParams\",\"cidr\":\"" + network
        + "\"}}");
    actions.add("{\"actionId\":\"b0b0b0b0-0007\",\"type\":\"createKeys\"}");
    for (int i = 0; i < subnets.length; i++) {
      actions.add("{\"actionId\":\"b0b0b0b0-000" + (8 + i) + "\",\"type\":\"prepareSubnet\","
          + "\"actionParams\":{\"type\":\"prepareSubnetParams\",\"cidr\":\"" + subnets[i]
          + "\",\"isPublic\":" + (i == 0) + ",\"alias\":\"s" + i + "\"}}");
    }
    return results(bed.driver.prepareSandboxInfra(bed.resource(), request(actions.toArray(
        String[]::new)), cancel));
  }

  private JsonNode cleanup() {
    return results(bed.driver.cleanupSandboxInfra(bed.resource(), request(
        "{\"actionId\":\"b0b0b0b0-0010\",\"type\":\"cleanupNetwork\"}"))).get(0);
  }

  private static String connectSubnet(String actionId, String subnetId, String vnic) {
    return CODEC.write(Map.of("actionId", actionId, "type", "connectSubnet", "actionParams",
        Map.of("type", "connectToSubnetParams", "subnetId", subnetId, "cidr", "10.0.0.0/28",
            "isPublic", true, "vnicName", vnic)));
  }

  private static String securityGroups(String serverId, String subnetId) {
    return "[{\"deployedApp\":{\"name\":\"l3app\",\"vmdetails\":{\"uid\":\"" + serverId
        + "\"}},\"securityGroupsConfigurations\":[{\"subnetId\":\"" + subnetId + "\","
        + "\"rules\":[{\"fromPort\":\"22\",\"toPort\":\"22\",\"protocol\":\"tcp\","
        + "\"source\":\"0.0.0.0/0\"},{\"fromPort\":\"8080\",\"toPort\":\"8081\","
        + "\"protocol\":\"tcp\",\"source\":\"10.0.0.0/24\"}]}]}]";
  }

  private static String app(String serverId, String subnetId, String protocol, String port) {
    return "{\"deployedApp\":{\"name\":\"l3app\",\"vmdetails\":{\"uid\":\"" + serverId
        + "\"}},\"securityGroupsConfigurations\":[{\"subnetId\":\"" + subnetId + "\","
        + "\"rules\":[{\"fromPort\":\"" + port + "\",\"protocol\":\"" + protocol + "\"}]}]}";
  }
}
