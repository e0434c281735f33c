package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What the commands of a sandbox read, on moto. Before it launches, a Deploy makes one
 * DescribeInstances of the sandbox, which finds an earlier attempt of the action and, once an
 * app is deployed, the sandbox group (read off that app's interface): only the sandbox's first
 * Deploy looks the group up; a retried action is still found, in a sandbox of several apps, and
 * launches nothing. GetVmDetails and SetAppSecurityGroups of several apps read their instances
 * in one DescribeInstances; an app whose instance is gone fails alone.
 */
class AwsDeployLookupsTest {
  private static final String GONE = "i-0123456789abcdef0";
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  private String deploy(String action, String app, String subnet) {
    JsonNode r = result(results(bed.driver.deploy(bed.resource(), request(
        connectSubnet(action + "-nic", subnet, "0"), deployApp(action, app, Map.of(
            "AWS AMI Id", AwsSandboxTest.AMI))), CancellationContext.NONE)), action);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r.path("vmUuid").asText();
  }

  private String groupOf(String instanceId) {
    return ec2.describeInstances(q -> q.instanceIds(instanceId)).reservations().get(0)
        .instances().get(0).networkInterfaces().get(0).groups().get(0).groupId();
  }

  @Test
  void deploysLookUpTheGroupOnceAndSeveralAppsAreReadInOneCall() {
    MotoState before = MotoState.read(ec2);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    String sg = result(prepared, "net").path("securityGroupId").asText();
    String pub = result(prepared, "pub").path("subnetId").asText();
    String priv = result(prepared, "priv").path("subnetId").asText();

    int groupLookups = bed.moto.requests("DescribeSecurityGroups").size();
    String web = deploy("web-1", "web", pub);
    assertThat(bed.moto.requests("DescribeSecurityGroups")).hasSize(groupLookups + 1);
    String db = deploy("db-1", "db", priv);
    String app = deploy("app-1", "app", pub);
    assertThat(bed.moto.requests("DescribeSecurityGroups")).as("lookups of the sandbox group")
        .hasSize(groupLookups + 1);
    assertThat(groupOf(web)).isEqualTo(sg);
    assertThat(groupOf(db)).isEqualTo(sg);
    assertThat(groupOf(app)).isEqualTo(sg);

    // A retry of the second action among three apps: the same instance, no launch.
    int launches = bed.moto.requests("RunInstances").size();
    assertThat(deploy("db-1", "db", priv)).isEqualTo(db);
    assertThat(bed.moto.requests("RunInstances")).hasSize(launches);
    assertThat(MotoState.read(ec2).ids().get("instances")).containsExactlyInAnyOrder(web, db,
        app);

    // GetVmDetails of the three and a gone one: one read of all, one more for the gone one.
    int reads = bed.moto.requests("DescribeInstances").size();
    Map<String, String> apps = new LinkedHashMap<>();
    apps.put("web", web);
    apps.put("gone", GONE);
    apps.put("db", db);
    apps.put("app", app);
    JsonNode details = AwsTestbed.json(bed.driver.getVmDetails(bed.resource(),
        AwsSandboxTest.detailsRequest(apps), CancellationContext.NONE));
    assertThat(details).hasSize(4);
    assertThat(details).extracting(d -> d.path("appName").asText())
        .containsExactly("web", "gone", "db", "app");
    assertThat(details.get(1).path("errorMessage").asText()).contains(GONE, "no longer exists");
    for (int i : new int[] {0, 2, 3}) {
      assertThat(details.get(i).path("errorMessage").asText()).as(details.toString()).isEmpty();
      assertThat(details.get(i).path("vmNetworkData").get(0).path("privateIpAddress").asText())
          .startsWith("10.0.0.");
    }
    assertThat(details.get(2).path("vmNetworkData").get(0).path("networkId").asText())
        .isEqualTo(priv);
    assertThat(bed.moto.requests("DescribeInstances")).hasSize(reads + 2);

    // SetAppSecurityGroups of two apps and a gone one: one read of all.
    reads = bed.moto.requests("DescribeInstances").size();
    JsonNode opened = AwsTestbed.json(bed.driver.setAppSecurityGroups(bed.resource(), "["
        + AwsSandboxTest.sgApp("web", web, pub, "22", "22", "tcp", "0.0.0.0/0") + ","
        + AwsSandboxTest.sgApp("gone", GONE, pub, "80", "80", "tcp", "") + ","
        + AwsSandboxTest.sgApp("db", db, priv, "5432", "5432", "tcp", "10.0.0.0/24") + "]"));
    assertThat(opened).extracting(o -> o.path("success").asBoolean())
        .containsExactly(true, false, true);
    assertThat(opened.get(1).path("error").asText()).contains(GONE, "no longer exists");
    assertThat(bed.moto.requests("DescribeInstances")).hasSize(reads + 1);
    assertThat(ec2.describeInstances(q -> q.instanceIds(db)).reservations().get(0).instances()
        .get(0).networkInterfaces().get(0).groups()).hasSize(2);

    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }
}
