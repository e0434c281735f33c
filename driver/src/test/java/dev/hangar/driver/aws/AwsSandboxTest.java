package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.json;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.orchestrator.ApiCall;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * A whole L3 sandbox through the driver and the real SDK against moto: prepare (twice), two
 * deploys (one retried), power, details, refresh IP, security groups, delete (twice), cleanup
 * (twice), then a second prepare and cleanup of the same reservation. What EC2 holds is read
 * with the SDK's own describes, and moto's whole state after each cleanup is what it was before
 * the first prepare.
 */
class AwsSandboxTest {
  static final String AMI = "ami-760aaa0f";
  static final String OTHER_AMI = "ami-785db401";
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  @Test
  void wholeSandboxFromPrepareToCleanupLeavesNothingBehind() {
    MotoState before = MotoState.read(ec2);
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");

    // PrepareSandboxInfra
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(prepared).hasSize(4).allSatisfy(r ->
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue());
    JsonNode net = result(prepared, "net");
    assertThat(net.path("type").asText()).isEqualTo("PrepareNetwork");
    String vpcId = net.path("networkId").asText();
    var vpc = ec2.describeVpcs(q -> q.vpcIds(vpcId)).vpcs().get(0);
    assertThat(vpc.cidrBlock()).isEqualTo("10.0.0.0/24");
    assertThat(tags(vpc.tags())).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX);
    String sgId = net.path("securityGroupId").asText();
    SecurityGroup sg = ec2.describeSecurityGroups(q -> q.groupIds(sgId)).securityGroups().get(0);
    assertThat(sg.vpcId()).isEqualTo(vpcId);
    assertThat(sg.ipPermissions()).anySatisfy(p -> {
      assertThat(p.ipProtocol()).isEqualTo("-1");
      assertThat(p.userIdGroupPairs()).extracting(u -> u.groupId()).contains(sgId);
    });
    var igws = ec2.describeInternetGateways(q -> q.filters(Tags.filter("attachment.vpc-id",
        vpcId))).internetGateways();
    assertThat(igws).hasSize(1);
    String pub = result(prepared, "pub").path("subnetId").asText();
    String priv = result(prepared, "priv").path("subnetId").asText();
    RouteTable publicRt = routeTableOf(pub);
    RouteTable privateRt = routeTableOf(priv);
    assertThat(publicRt.routes()).anySatisfy(r -> {
      assertThat(r.destinationCidrBlock()).isEqualTo("0.0.0.0/0");
      assertThat(r.gatewayId()).isEqualTo(igws.get(0).internetGatewayId());
    });
    assertThat(privateRt.routes()).noneSatisfy(r ->
        assertThat(r.destinationCidrBlock()).isEqualTo("0.0.0.0/0"));
    String key = result(prepared, "keys").path("accessKey").asText();
    assertThat(key).contains("PRIVATE KEY-----");

    // PrepareSandboxInfra again: finds the network, replaces the unused key pair
    JsonNode again = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(again).allSatisfy(r -> assertThat(r.path("success").asBoolean())
        .as(r.toString()).isTrue());
    assertThat(result(again, "net").path("networkId").asText()).isEqualTo(vpcId);
    assertThat(result(again, "pub").path("subnetId").asText()).isEqualTo(pub);
    assertThat(result(again, "priv").path("subnetId").asText()).isEqualTo(priv);
    assertThat(ec2.describeKeyPairs().keyPairs()).extracting(k -> k.keyName())
        .containsExactly(SandboxKeys.keyName(AwsTestbed.SANDBOX));
    assertThat(ec2.describeSubnets(q -> q.filters(Tags.filter("vpc-id", vpcId))).subnets())
        .hasSize(2);
    assertThat(bed.moto.requests("CreateVpc")).hasSize(1);

    // Deploy web: one public NIC with an automatic public IP, custom tags, user data
    String deployWeb = request(connectSubnet("web-nic", pub, "0"), deployApp("web-1", "web",
        Map.of("AWS AMI Id", AMI, "Public IP Options", "Public IP",
            "Custom Tags", "team:qa, cost-center: 42", "User Data", "#!/bin/sh\necho hi",
            "Wait for IP", "True")));
    JsonNode web = results(bed.driver.deploy(bed.resource(), deployWeb,
        CancellationContext.NONE));
    JsonNode webApp = result(web, "web-1");
    assertThat(webApp.path("success").asBoolean()).as(webApp.toString()).isTrue();
    String webId = webApp.path("vmUuid").asText();
    assertThat(webId).startsWith("i-");
    assertThat(webApp.path("vmName").asText()).matches("web-[0-9a-f]{8}");
    assertThat(webApp.path("deployedAppAddress").asText()).startsWith("10.0.0.");
    Instance webVm = instance(webId);
    assertThat(webApp.at("/deployedAppAttributes/0/attributeName").asText())
        .isEqualTo("Public IP");
    assertThat(webApp.at("/deployedAppAttributes/0/attributeValue").asText())
        .isEqualTo(webVm.publicIpAddress()).isNotEmpty();
    assertThat(tags(webVm.tags())).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX)
        .containsEntry(Tags.APP, "web").containsEntry(Tags.ACTION, "web-1")
        .containsEntry(Tags.OWNER, "alice").containsEntry(Tags.BLUEPRINT, "L3 demo")
        .containsEntry("team", "qa").containsEntry("cost-center", "42")
        .containsEntry("Name", webApp.path("vmName").asText());
    assertThat(webVm.imageId()).isEqualTo(AMI);
    assertThat(webVm.instanceTypeAsString()).isEqualTo("t3.micro");
    assertThat(webVm.keyName()).isEqualTo(SandboxKeys.keyName(AwsTestbed.SANDBOX));
    assertThat(ordered(webVm).get(0).groups()).extracting(g -> g.groupId())
        .containsExactly(sgId);
    QueryForm run = bed.moto.requests("RunInstances").get(0);
    assertThat(run.get("ClientToken")).hasSize(64);
    assertThat(new String(Base64.getDecoder().decode(run.get("UserData")),
        StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho hi");
    assertThat(run.structs("NetworkInterface").get(0).get("AssociatePublicIpAddress"))
        .isEqualTo("true");
    JsonNode webNic = json(result(web, "web-nic").path("interface").asText());
    assertThat(webNic.path("Device Index").asInt()).isZero();
    assertThat(webNic.path("interface_id").asText()).startsWith("eni-");
    assertThat(webNic.path("Public IP").asText()).isEqualTo(webVm.publicIpAddress());
    assertThat(webNic.path("Elastic IP").asBoolean()).as("an ordinary public IP").isFalse();

    // The same Deploy again (a retry): the same instance, no second launch
    JsonNode retried = results(bed.driver.deploy(bed.resource(), deployWeb,
        CancellationContext.NONE));
    assertThat(result(retried, "web-1").path("vmUuid").asText()).isEqualTo(webId);
    assertThat(result(retried, "web-nic").path("interface").asText()).contains(
        "\"Elastic IP\":false");
    assertThat(bed.moto.requests("RunInstances")).hasSize(1);

    // Deploy db: two NICs, vnicName "1" listed first, a fixed IP, an Elastic IP
    JsonNode db = results(bed.driver.deploy(bed.resource(), request(
        connectSubnet("db-nic-1", priv, "1"), connectSubnet("db-nic-0", pub, "0"),
        deployApp("db-1", "db", Map.of("AWS AMI Id", OTHER_AMI,
            "Instance Type", "m5.large", "Public IP Options", "Elastic IP",
            "Private IP", "10.0.0.9", "Autogenerated Name", "False"))),
        CancellationContext.NONE));
    JsonNode dbApp = result(db, "db-1");
    assertThat(dbApp.path("success").asBoolean()).as(dbApp.toString()).isTrue();
    String dbId = dbApp.path("vmUuid").asText();
    assertThat(dbApp.path("vmName").asText()).isEqualTo("db");
    assertThat(dbApp.path("deployedAppAddress").asText()).isEqualTo("10.0.0.9");
    JsonNode dbNic0 = json(result(db, "db-nic-0").path("interface").asText());
    JsonNode dbNic1 = json(result(db, "db-nic-1").path("interface").asText());
    var eips = ec2.describeAddresses().addresses();
    assertThat(eips).hasSize(1);
    assertThat(dbNic0.path("Device Index").asInt()).isZero();
    assertThat(dbNic0.path("IP").asText()).isEqualTo("10.0.0.9");
    assertThat(dbNic0.path("Elastic IP").asBoolean()).isTrue();
    assertThat(dbNic0.path("Public IP").asText()).isEqualTo(eips.get(0).publicIp());
    assertThat(dbNic1.path("Device Index").asInt()).isEqualTo(1);
    assertThat(dbNic1.path("IP").asText()).startsWith("10.0.0.");
    assertThat(dbNic1.path("Elastic IP").asBoolean()).isFalse();
    assertThat(tags(eips.get(0).tags())).containsEntry(Tags.INSTANCE, dbId);
    Instance dbVm = instance(dbId);
    assertThat(dbVm.instanceTypeAsString()).isEqualTo("m5.large");
    assertThat(ordered(dbVm)).extracting(n -> n.subnetId()).containsExactly(pub, priv);

    // Power
    bed.driver.powerOff(bed.remote("web", webId));
    assertThat(instance(webId).state().nameAsString()).isEqualTo("stopped");
    bed.driver.powerOff(bed.remote("web", webId));
    bed.driver.powerOn(bed.remote("web", webId));
    bed.driver.powerOn(bed.remote("web", webId));
    assertThat(instance(webId).state().nameAsString()).isEqualTo("running");
    // Power calls go straight to Start/StopInstances (EC2 takes a repeat as done): no reads.
    assertThat(bed.moto.requests("StartInstances")).hasSize(2);
    assertThat(bed.moto.requests("StopInstances")).hasSize(2);

    // GetVmDetails
    JsonNode details = json(bed.driver.getVmDetails(bed.resource(), detailsRequest(
        Map.of("web", webId, "db", dbId)), CancellationContext.NONE));
    assertThat(details).hasSize(2);
    JsonNode dbDetails = details.get(0).path("appName").asText().equals("db") ? details.get(0)
        : details.get(1);
    assertThat(dbDetails.path("errorMessage").asText()).isEmpty();
    assertThat(property(dbDetails.path("vmInstanceData"), "AMI").path("value").asText())
        .isEqualTo(OTHER_AMI);
    assertThat(property(dbDetails.path("vmInstanceData"), "Instance Type").path("value")
        .asText()).isEqualTo("m5.large");
    assertThat(property(dbDetails.path("vmInstanceData"), "VPC ID").path("hidden").asBoolean())
        .isTrue();
    JsonNode dbNets = dbDetails.path("vmNetworkData");
    assertThat(dbNets).hasSize(2);
    assertThat(dbNets.get(0).path("isPrimary").asBoolean()).isTrue();
    assertThat(dbNets.get(0).path("networkId").asText()).isEqualTo(pub);
    assertThat(dbNets.get(0).path("privateIpAddress").asText()).isEqualTo("10.0.0.9");
    assertThat(dbNets.get(1).path("isPrimary").asBoolean()).isFalse();
    assertThat(dbNets.get(1).path("networkId").asText()).isEqualTo(priv);
    assertThat(property(dbNets.get(1).path("networkData"), "MAC Address").path("value")
        .asText()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    // remote_refresh_ip
    bed.api.clear();
    bed.driver.remoteRefreshIp(bed.remote("web", webId), CancellationContext.NONE);
    webVm = instance(webId);
    assertThat(bed.api.calls()).contains(
        new ApiCall("UpdateResourceAddress", List.of("web", webVm.privateIpAddress())),
        new ApiCall("SetAttributeValue", List.of("web", "Public IP",
            webVm.publicIpAddress())));

    // SetAppSecurityGroups: both apps, rules on their own subnet's interface
    String rules = "[" + sgApp("web", webId, pub, "22", "22", "tcp", "0.0.0.0/0") + ","
        + sgApp("db", dbId, priv, "5432", "5432", "tcp", "10.0.0.0/24") + ","
        + sgApp("gone", "i-00000000000000000", pub, "80", "80", "tcp", "") + "]";
    JsonNode opened = json(bed.driver.setAppSecurityGroups(bed.resource(), rules));
    assertThat(opened).hasSize(3);
    assertThat(opened.get(0).path("success").asBoolean()).as(opened.toString()).isTrue();
    assertThat(opened.get(1).path("success").asBoolean()).as(opened.toString()).isTrue();
    assertThat(opened.get(2).path("success").asBoolean()).isFalse();
    assertThat(opened.get(2).path("error").asText()).contains("no longer exists");
    SecurityGroup dbGroup = ec2.describeSecurityGroups(q -> q.filters(Tags.tag(Tags.INSTANCE,
        dbId))).securityGroups().get(0);
    assertThat(dbGroup.ipPermissions()).singleElement().satisfies(p -> {
      assertThat(p.ipProtocol()).isEqualTo("tcp");
      assertThat(p.fromPort()).isEqualTo(5432);
      assertThat(p.ipRanges()).extracting(r -> r.cidrIp()).containsExactly("10.0.0.0/24");
    });
    assertThat(ordered(instance(dbId)).get(1).groups()).extracting(g -> g.groupId())
        .containsExactlyInAnyOrder(sgId, dbGroup.groupId());
    JsonNode reopened = json(bed.driver.setAppSecurityGroups(bed.resource(), rules));
    assertThat(reopened.get(1).path("success").asBoolean()).as(reopened.toString()).isTrue();

    // DeleteInstance web (twice): its instance and its own security group are gone
    bed.driver.deleteInstance(bed.remote("web", webId));
    assertThat(MotoState.read(ec2).ids().get("instances")).containsExactly(dbId);
    assertThat(ec2.describeSecurityGroups(q -> q.filters(Tags.tag(Tags.INSTANCE, webId)))
        .securityGroups()).isEmpty();
    bed.driver.deleteInstance(bed.remote("web", webId));

    // CleanupSandboxInfra with db left behind (twice): moto is as it was before
    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    assertThat(cleaned.get(0).path("infoMessage").asText()).contains("1 instances", "1 VPCs",
        "2 subnets", "1 Elastic IPs", "1 key pairs");
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
    JsonNode twice = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(twice.get(0).path("success").asBoolean()).as(twice.toString()).isTrue();
    assertThat(twice.get(0).path("infoMessage").asText()).isEqualTo("nothing left to clean up");

    // The same reservation prepared and cleaned up again
    JsonNode second = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(second).hasSize(4).allSatisfy(r ->
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue());
    assertThat(result(second, "keys").path("infoMessage").asText()).startsWith("created");
    JsonNode secondCleanup = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(secondCleanup.get(0).path("success").asBoolean()).as(secondCleanup.toString())
        .isTrue();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }

  private Instance instance(String id) {
    return ec2.describeInstances(q -> q.instanceIds(id)).reservations().get(0).instances()
        .get(0);
  }

  private static List<InstanceNetworkInterface> ordered(Instance i) {
    return i.networkInterfaces().stream().sorted(java.util.Comparator.comparing(
        n -> n.attachment().deviceIndex())).toList();
  }

  private RouteTable routeTableOf(String subnet) {
    List<RouteTable> rts = ec2.describeRouteTables(q -> q.filters(Tags.filter(
        "association.subnet-id", subnet))).routeTables();
    assertThat(rts).as("route table of " + subnet).hasSize(1);
    return rts.get(0);
  }

  static Map<String, String> tags(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private static JsonNode property(JsonNode list, String key) {
    for (JsonNode p : list) {
      if (key.equals(p.path("key").asText())) {
        return p;
      }
    }
    throw new AssertionError("no " + key + " in " + list);
  }

  static String detailsRequest(Map<String, String> apps) {
    StringBuilder b = new StringBuilder("{\"items\":[");
    apps.forEach((app, id) -> b.append(b.length() > 10 ? "," : "").append(
        "{\"appRequestJson\":{\"name\":\"").append(app).append("\"},\"deployedAppJson\":{")
        .append("\"name\":\"").append(app).append("\",\"vmdetails\":{\"uid\":\"").append(id)
        .append("\"}}}"));
    return b.append("]}").toString();
  }

  static String sgApp(String app, String id, String subnet, String from, String to,
      String proto, String source) {
    return "{\"deployedApp\":{\"name\":\"" + app + "\",\"vmdetails\":{\"uid\":\"" + id
        + "\"}},\"securityGroupsConfigurations\":[{\"subnetId\":\"" + subnet + "\",\"rules\":[{"
        + "\"fromPort\":\"" + from + "\",\"toPort\":\"" + to + "\",\"protocol\":\"" + proto
        + "\",\"source\":\"" + source + "\"}]}]}";
  }
}
