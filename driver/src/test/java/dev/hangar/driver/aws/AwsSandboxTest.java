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
import dev.hangar.driver.aws.Ec2Model.Obj;
import dev.hangar.driver.orchestrator.ApiCall;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A whole L3 sandbox through the driver and the real SDK against the EC2 peer: prepare (twice),
 * two deploys (one retried), power, details, refresh IP, security groups, delete, cleanup
 * (twice). The peer's state shows what EC2 would hold after each step, and nothing is left.
 */
class AwsSandboxTest {
  private final AwsTestbed bed = new AwsTestbed();
  private final Ec2Model ec2 = bed.peer.model();

  @AfterEach
  void stop() {
    bed.close();
  }

  private Obj one(String kind, String role) {
    List<Obj> found = ec2.live().stream().filter(o -> o.kind.equals(kind)
        && role.equals(o.tags.get(Tags.ROLE))).toList();
    assertThat(found).as(kind + " " + role).hasSize(1);
    return found.get(0);
  }

  @Test
  void wholeSandboxFromPrepareToCleanupLeavesNothingBehind() {
    // get_inventory
    assertThat(bed.driver.getInventory(bed.autoload())).contains("\"resources\":[]");

    // PrepareSandboxInfra
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(prepared).hasSize(4).allSatisfy(r ->
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue());
    Obj vpc = one("vpc", Tags.ROLE_VPC);
    assertThat(vpc.f.get("cidr")).isEqualTo("10.0.0.0/24");
    assertThat(vpc.tags).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX);
    JsonNode net = result(prepared, "net");
    assertThat(net.path("type").asText()).isEqualTo("PrepareNetwork");
    assertThat(net.path("networkId").asText()).isEqualTo(vpc.id);
    Obj sg = one("sg", Tags.ROLE_SANDBOX_SG);
    assertThat(net.path("securityGroupId").asText()).isEqualTo(sg.id);
    assertThat(sg.items).containsExactly(Map.of("proto", "-1", "group", sg.id));
    assertThat(one("igw", Tags.ROLE_IGW).f).containsEntry("vpc", vpc.id);
    Obj publicRt = one("rtb", Tags.ROLE_PUBLIC_RT);
    Obj privateRt = one("rtb", Tags.ROLE_PRIVATE_RT);
    assertThat(publicRt.items).anySatisfy(i -> assertThat(i).containsEntry("dest", "0.0.0.0/0"));
    assertThat(privateRt.items).noneSatisfy(i -> assertThat(i).containsEntry("dest",
        "0.0.0.0/0"));
    String pub = result(prepared, "pub").path("subnetId").asText();
    String priv = result(prepared, "priv").path("subnetId").asText();
    assertThat(publicRt.items).anySatisfy(i -> assertThat(i).containsEntry("subnet", pub));
    assertThat(privateRt.items).anySatisfy(i -> assertThat(i).containsEntry("subnet", priv));
    String key = result(prepared, "keys").path("accessKey").asText();
    assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    // PrepareSandboxInfra again: finds the network, replaces the unused key pair
    JsonNode again = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(again).allSatisfy(r -> assertThat(r.path("success").asBoolean()).isTrue());
    assertThat(result(again, "net").path("networkId").asText()).isEqualTo(vpc.id);
    assertThat(result(again, "pub").path("subnetId").asText()).isEqualTo(pub);
    assertThat(result(again, "priv").path("subnetId").asText()).isEqualTo(priv);
    assertThat(ec2.live().stream().filter(o -> o.kind.equals("key"))).hasSize(1);
    assertThat(ec2.live().stream().filter(o -> o.kind.equals("subnet"))).hasSize(2);
    assertThat(bed.peer.requests("CreateVpc")).hasSize(1);

    // Deploy web: one public NIC with an automatic public IP, custom tags, user data
    String deployWeb = request(connectSubnet("web-nic", pub, "0"), deployApp("web-1", "web",
        Map.of("AWS AMI Id", "ami-0abcdef1234567890", "Public IP Options", "Public IP",
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
    assertThat(webApp.at("/deployedAppAttributes/0/attributeName").asText())
        .isEqualTo("Public IP");
    assertThat(webApp.at("/deployedAppAttributes/0/attributeValue").asText())
        .startsWith("203.0.113.");
    QueryForm run = bed.peer.requests("RunInstances").get(0);
    Map<String, String> tags = run.tags("instance");
    assertThat(tags).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX)
        .containsEntry(Tags.APP, "web").containsEntry(Tags.ACTION, "web-1")
        .containsEntry(Tags.OWNER, "alice").containsEntry(Tags.BLUEPRINT, "L3 demo")
        .containsEntry("team", "qa").containsEntry("cost-center", "42")
        .containsEntry("Name", webApp.path("vmName").asText());
    assertThat(run.tags("network-interface")).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX);
    assertThat(run.get("ImageId")).isEqualTo("ami-0abcdef1234567890");
    assertThat(run.get("InstanceType")).isEqualTo("t3.micro");
    assertThat(run.get("KeyName")).isEqualTo(SandboxKeys.keyName(AwsTestbed.SANDBOX));
    assertThat(run.get("ClientToken")).hasSize(64);
    assertThat(new String(Base64.getDecoder().decode(run.get("UserData")),
        StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho hi");
    QueryForm nic0 = run.structs("NetworkInterface").get(0);
    assertThat(nic0.get("SubnetId")).isEqualTo(pub);
    assertThat(nic0.get("AssociatePublicIpAddress")).isEqualTo("true");
    assertThat(nic0.list("SecurityGroupId")).containsExactly(sg.id);
    JsonNode webNic = json(result(web, "web-nic").path("interface").asText());
    assertThat(webNic.path("Device Index").asInt()).isZero();
    assertThat(webNic.path("interface_id").asText()).startsWith("eni-");
    assertThat(webNic.path("Public IP").asText()).startsWith("203.0.113.");

    // The same Deploy again (a retry): the same instance, no second launch
    JsonNode retried = results(bed.driver.deploy(bed.resource(), deployWeb,
        CancellationContext.NONE));
    assertThat(result(retried, "web-1").path("vmUuid").asText()).isEqualTo(webId);
    assertThat(bed.peer.requests("RunInstances")).hasSize(1);

    // Deploy db: two NICs, vnicName "1" listed first, a fixed IP, an Elastic IP
    JsonNode db = results(bed.driver.deploy(bed.resource(), request(
        connectSubnet("db-nic-1", priv, "1"), connectSubnet("db-nic-0", pub, "0"),
        deployApp("db-1", "db", Map.of("AWS AMI Id", "ami-0fedcba9876543210",
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
    assertThat(dbNic0.path("Device Index").asInt()).isZero();
    assertThat(dbNic0.path("IP").asText()).isEqualTo("10.0.0.9");
    assertThat(dbNic0.path("Elastic IP").asBoolean()).isTrue();
    assertThat(dbNic0.path("Public IP").asText()).startsWith("198.51.100.");
    assertThat(dbNic1.path("Device Index").asInt()).isEqualTo(1);
    assertThat(dbNic1.path("IP").asText()).startsWith("10.0.0.");
    QueryForm dbRun = bed.peer.requests("RunInstances").get(1);
    assertThat(dbRun.get("InstanceType")).isEqualTo("m5.large");
    assertThat(dbRun.structs("NetworkInterface")).extracting(n -> n.get("SubnetId"))
        .containsExactly(pub, priv);
    assertThat(dbRun.structs("NetworkInterface").get(0).get("AssociatePublicIpAddress"))
        .isNull();
    assertThat(one("eip", Tags.ROLE_ELASTIC_IP).tags).containsEntry(Tags.INSTANCE, dbId);

    // Power
    bed.driver.powerOff(bed.remote("web", webId));
    assertThat(instance(webId).f.get("state")).isIn("stopped", "stopping");
    bed.driver.powerOff(bed.remote("web", webId));
    bed.driver.powerOn(bed.remote("web", webId));
    bed.driver.powerOn(bed.remote("web", webId));
    assertThat(bed.peer.requests("StartInstances")).hasSize(1);
    assertThat(bed.peer.requests("StopInstances")).hasSize(1);

    // GetVmDetails
    JsonNode details = json(bed.driver.getVmDetails(bed.resource(), detailsRequest(
        Map.of("web", webId, "db", dbId)), CancellationContext.NONE));
    assertThat(details).hasSize(2);
    JsonNode dbDetails = details.get(0).path("appName").asText().equals("db") ? details.get(0)
        : details.get(1);
    assertThat(dbDetails.path("errorMessage").asText()).isEmpty();
    assertThat(property(dbDetails.path("vmInstanceData"), "AMI").path("value").asText())
        .isEqualTo("ami-0fedcba9876543210");
    assertThat(property(dbDetails.path("vmInstanceData"), "Instance Type").path("value")
        .asText()).isEqualTo("m5.large");
    assertThat(property(dbDetails.path("vmInstanceData"), "Platform").path("value").asText())
        .isEqualTo("Linux/UNIX");
    assertThat(property(dbDetails.path("vmInstanceData"), "VPC ID").path("hidden").asBoolean())
        .isTrue();
    assertThat(property(dbDetails.path("vmInstanceData"), "Availability Zone").path("hidden")
        .asBoolean()).isTrue();
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
    String webIp = instance(webId).id.isEmpty() ? "" : ec2.enisOf(instance(webId)).get(0).f
        .get("ip");
    String webPublic = ec2.enisOf(instance(webId)).get(0).f.get("publicIp");
    assertThat(bed.api.calls()).contains(
        new ApiCall("UpdateResourceAddress", List.of("web", webIp)),
        new ApiCall("SetAttributeValue", List.of("web", "Public IP", webPublic)));

    // SetAppSecurityGroups: both apps, rules on their own subnet's interface
    String rules = "[" + sgApp("web", webId, pub, "22", "22", "tcp", "0.0.0.0/0") + ","
        + sgApp("db", dbId, priv, "5432", "5432", "tcp", "10.0.0.0/24") + ","
        + sgApp("gone", "i-00000000000000000", pub, "80", "80", "tcp", "") + "]";
    JsonNode opened = json(bed.driver.setAppSecurityGroups(bed.resource(), rules));
    assertThat(opened).hasSize(3);
    assertThat(opened.get(0).path("success").asBoolean()).as(opened.toString()).isTrue();
    assertThat(opened.get(1).path("success").asBoolean()).isTrue();
    assertThat(opened.get(2).path("success").asBoolean()).isFalse();
    assertThat(opened.get(2).path("error").asText()).contains("no longer exists");
    Obj dbGroup = ec2.live().stream().filter(o -> o.kind.equals("sg")
        && dbId.equals(o.tags.get(Tags.INSTANCE))).findFirst().orElseThrow();
    assertThat(dbGroup.items).containsExactly(Map.of("proto", "tcp", "from", "5432", "to",
        "5432", "cidr", "10.0.0.0/24"));
    Obj dbPrivateNic = ec2.enisOf(instance(dbId)).get(1);
    assertThat(ec2.groupsOf(dbPrivateNic)).extracting(o -> o.id)
        .containsExactly(sg.id, dbGroup.id);
    // the same rules again change nothing and still succeed
    JsonNode reopened = json(bed.driver.setAppSecurityGroups(bed.resource(), rules));
    assertThat(reopened.get(1).path("success").asBoolean()).isTrue();

    // DeleteInstance web (twice), then Cleanup with db left behind (twice)
    bed.driver.deleteInstance(bed.remote("web", webId));
    assertThat(ec2.live()).noneMatch(o -> o.id.equals(webId));
    assertThat(ec2.live()).noneMatch(o -> webId.equals(o.tags.get(Tags.INSTANCE)));
    bed.driver.deleteInstance(bed.remote("web", webId));

    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    assertThat(cleaned.get(0).path("infoMessage").asText()).contains("1 instances", "1 VPCs",
        "2 subnets", "1 Elastic IPs");
    assertThat(ec2.live()).isEmpty();
    JsonNode twice = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(twice.get(0).path("success").asBoolean()).isTrue();
    assertThat(twice.get(0).path("infoMessage").asText()).isEqualTo("nothing left to clean up");
  }

  private Obj instance(String id) {
    return ec2.snapshotAll("instance").stream().filter(o -> o.id.equals(id)).findFirst()
        .orElseThrow();
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
