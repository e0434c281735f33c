package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.spi.BackendRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code hangar plan CleanupSandboxInfra} on moto: the plan changes nothing, and the objects it
 * lists are exactly the ones the cleanup then deletes (another sandbox untouched).
 */
class AwsPlanTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());
  private final CommandPlanning planning = new CommandPlanning(BackendRegistry.empty().register(
      new AwsBackendProvider(AwsTestbed.FAST)), c -> bed.api);

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  @Test
  void aCleanupPlanListsExactlyWhatTheCleanupThenDeletes() {
    sandbox("res-keep", 1);
    sandbox("res-plan", 2);
    MotoState before = MotoState.read(ec2);

    JsonNode entry = AwsTestbed.CODEC.readTree(planning.plan(Command.CLEANUP_SANDBOX_INFRA,
        contextJson("res-plan"), AwsTestbed.cleanupRequest()), "plan").path("plan").get(0);

    assertThat(MotoState.read(ec2)).as("moto after the plan").isEqualTo(before);
    assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
    Map<String, Set<String>> planned = new LinkedHashMap<>();
    for (JsonNode op : entry.path("operations")) {
      assertThat(op.path("op").asText()).isEqualTo("delete");
      assertThat(op.path("where").asText()).isEqualTo(bed.attributes.get(
          "Hangar Cloud Provider.Region"));
      planned.computeIfAbsent(op.path("kind").asText(), k -> new TreeSet<>())
          .add(op.path("id").asText());
    }
    assertThat(planned.get("instance")).hasSize(2);
    assertThat(planned.get("vpc")).hasSize(1);

    JsonNode cleaned = result(results(bed.driver.cleanupSandboxInfra(context("res-plan"),
        AwsTestbed.cleanupRequest())), "clean");
    assertThat(cleaned.path("success").asBoolean()).as(cleaned.toString()).isTrue();
    Map<String, Set<String>> gone = MotoState.read(ec2).goneSince(before);

    // Kinds the plan names one for one; an instance takes its volumes and attached interfaces,
    // a VPC its default security group and main route table.
    assertThat(planned.get("instance")).isEqualTo(gone.get("instances"));
    assertThat(planned.get("vpc")).isEqualTo(gone.get("vpcs"));
    assertThat(planned.get("subnet")).isEqualTo(gone.get("subnets"));
    assertThat(planned.get("internet-gateway")).isEqualTo(gone.get("internet gateways"));
    assertThat(planned.get("elastic-ip")).isEqualTo(ids(gone.get("addresses")));
    assertThat(planned.get("key-pair")).isEqualTo(names(gone.get("key pairs")));
    assertThat(gone.get("security groups")).containsAll(planned.get("security-group"));
    assertThat(gone.get("route tables")).containsAll(planned.get("route-table"));
    assertThat(planned.keySet()).containsOnly("instance", "elastic-ip", "key-pair",
        "security-group", "subnet", "route-table", "internet-gateway", "vpc");
  }

  /** {@code publicIp/allocationId} → the allocation ids. */
  private static Set<String> ids(Set<String> addresses) {
    Set<String> out = new TreeSet<>();
    addresses.forEach(a -> out.add(a.substring(a.indexOf('/') + 1)));
    return out;
  }

  /** {@code name/keyPairId} → the names. */
  private static Set<String> names(Set<String> keys) {
    Set<String> out = new TreeSet<>();
    keys.forEach(k -> out.add(k.substring(0, k.indexOf('/'))));
    return out;
  }

  private void sandbox(String reservation, int apps) {
    ResourceCommandContext ctx = context(reservation);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(ctx, AwsTestbed.prepareRequest(),
        CancellationContext.NONE));
    assertThat(prepared.findValues("success")).as(prepared.toString())
        .allMatch(JsonNode::asBoolean);
    String pub = result(prepared, "pub").path("subnetId").asText();
    for (int i = 0; i < apps; i++) {
      String action = reservation + "-app" + i;
      JsonNode r = result(results(bed.driver.deploy(ctx, request(
          connectSubnet(action + "-nic", pub, "0"), deployApp(action, "app" + i, Map.of(
              "AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options",
              i == 0 ? "Elastic IP" : "No Public IP"))), CancellationContext.NONE)), action);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    }
  }

  private ResourceCommandContext context(String reservation) {
    return AwsTestbed.CODEC.read(contextJson(reservation), ResourceCommandContext.class);
  }

  private String contextJson(String reservation) {
    return "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},"
        + "\"resource\":{\"name\":\"hangar-aws\",\"fullname\":\"hangar-aws\",\"model\":"
        + "\"Hangar Cloud Provider\",\"attributes\":" + AwsTestbed.CODEC.write(bed.attributes)
        + "},\"reservation\":{\"reservation_id\":\"" + reservation + "\",\"owner_user\":"
        + "\"alice\",\"domain\":\"Global\"}}";
  }
}
