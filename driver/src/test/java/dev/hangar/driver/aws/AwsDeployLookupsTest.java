package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What a Deploy reads before it launches, on moto: one DescribeInstances of the sandbox finds an
 * earlier attempt of the action and, once an app is deployed, the sandbox group (read off that
 * app's interface); only the sandbox's first Deploy looks the group up. A retried action is
 * still found, in a sandbox of several apps, and launches nothing.
 */
class AwsDeployLookupsTest {
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
  void onlyTheFirstDeployLooksUpTheSandboxGroupAndARetryIsStillFound() {
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

    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }
}
