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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * {@code hangar plan} on AWS (moto), through the planning the CLI runs. CleanupSandboxInfra: the
 * plan changes nothing, and the objects it lists are exactly the ones the cleanup then deletes
 * (another sandbox untouched). Deploy: the plan changes nothing, the Deploy then makes exactly
 * the planned objects (instance with the planned AMI, type, subnet, group, key and tags; its
 * volumes, interfaces and Elastic IP), a retry's plan says each exists with its id, and an
 * unknown AMI or a quota is refused by both.
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

  @Test
  void aDeployPlanChangesNothingAndTheDeployThenMakesExactlyThePlannedObjects() {
    bed.attributes.put("Hangar Cloud Provider.Sandbox Lifetime", "4");
    String pub = sandbox("res-dp", 0);
    String sg = ec2.describeSecurityGroups(q -> q.filters(Tags.sandbox("res-dp"),
        Tags.role(Tags.ROLE_SANDBOX_SG))).securityGroups().get(0).groupId();
    String req = request(connectSubnet("w-nic", pub, "0"), deployApp("w", "web", Map.of(
        "AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options", "Elastic IP",
        "Instance Type", "t3.small")));
    MotoState before = MotoState.read(ec2);

    JsonNode plan = plan(Command.DEPLOY, "res-dp", req);
    assertThat(MotoState.read(ec2)).as("moto after the plan").isEqualTo(before);
    JsonNode nic = plan.get(0);
    assertThat(nic.path("actionId").asText()).isEqualTo("w-nic");
    assertThat(nic.path("success").asBoolean()).as(nic.toString()).isTrue();
    JsonNode entry = plan.get(1);
    assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
    List<String> kinds = new ArrayList<>();
    Map<String, Integer> count = new LinkedHashMap<>();
    for (JsonNode op : entry.path("operations")) {
      assertThat(op.path("op").asText()).isEqualTo("create");
      assertThat(op.path("where").asText()).isEqualTo(Ec2Peer.REGION);
      kinds.add(op.path("kind").asText());
      count.merge(op.path("kind").asText(), 1, Integer::sum);
    }
    // The claim on the action first (made and deleted by the Deploy), then the instance.
    assertThat(kinds.subList(0, 2)).containsExactly("deploy-claim", "instance");
    assertThat(entry.path("operations").get(0).path("name").asText())
        .isEqualTo(Ec2DeployClaims.name("res-dp", "w"));
    assertThat(kinds.get(kinds.size() - 1)).isEqualTo("elastic-ip");
    assertThat(count).containsOnlyKeys("deploy-claim", "instance", "volume",
        "network-interface", "elastic-ip");
    JsonNode planned = entry.path("operations").get(1).path("details");
    assertThat(planned.path("ami").asText()).isEqualTo(AwsSandboxTest.AMI);
    assertThat(planned.path("instanceType").asText()).isEqualTo("t3.small");
    assertThat(planned.path("vcpus").asInt()).isEqualTo(2);
    assertThat(planned.path("subnets").toString()).isEqualTo("[\"" + pub + "\"]");
    assertThat(planned.path("securityGroups").toString()).isEqualTo("[\"" + sg + "\"]");
    assertThat(planned.path("tags").path(Tags.SANDBOX).asText()).isEqualTo("res-dp");
    assertThat(planned.path("tags").path(Tags.EXPIRES).asText()).endsWith("Z");

    JsonNode deployed = result(results(bed.driver.deploy(context("res-dp"), req,
        CancellationContext.NONE)), "w");
    assertThat(deployed.path("success").asBoolean()).as(deployed.toString()).isTrue();
    String id = deployed.path("vmUuid").asText();
    Map<String, Set<String>> made = before.goneSince(MotoState.read(ec2));
    assertThat(made).containsOnlyKeys("instances", "volumes", "network interfaces",
        "addresses");
    assertThat(made.get("instances")).containsExactly(id);
    assertThat(made.get("volumes")).hasSize(count.get("volume"));
    assertThat(made.get("network interfaces")).hasSize(count.get("network-interface"));
    assertThat(made.get("addresses")).hasSize(count.get("elastic-ip"));
    Instance i = ec2.describeInstances(q -> q.instanceIds(id)).reservations().get(0)
        .instances().get(0);
    assertThat(i.imageId()).isEqualTo(planned.path("ami").asText());
    assertThat(i.instanceTypeAsString()).isEqualTo(planned.path("instanceType").asText());
    assertThat(i.subnetId()).isEqualTo(pub);
    assertThat(i.networkInterfaces().get(0).groups()).extracting(g -> g.groupId())
        .containsExactly(sg);
    assertThat(i.keyName()).isEqualTo(planned.path("keyName").asText());
    Map<String, String> tags = new TreeMap<>();
    i.tags().forEach(t -> tags.put(t.key(), t.value()));
    Map<String, String> plannedTags = new TreeMap<>();
    planned.path("tags").properties().forEach(e -> plannedTags.put(e.getKey(),
        e.getValue().asText()));
    // The expiry is the creating call's time plus the lifetime: the Deploy's, seconds later.
    assertThat(Duration.between(Instant.parse(plannedTags.remove(Tags.EXPIRES)),
        Instant.parse(tags.remove(Tags.EXPIRES)))).isBetween(Duration.ZERO,
        Duration.ofMinutes(2));
    assertThat(tags).isEqualTo(plannedTags);

    // A retry: every object the Deploy made exists, with its id.
    MotoState after = MotoState.read(ec2);
    JsonNode retry = plan(Command.DEPLOY, "res-dp", req).get(1);
    assertThat(MotoState.read(ec2)).isEqualTo(after);
    Map<String, Set<String>> existing = new LinkedHashMap<>();
    for (JsonNode op : retry.path("operations")) {
      assertThat(op.path("op").asText()).as(op.toString()).isEqualTo("exists");
      existing.computeIfAbsent(op.path("kind").asText(), k -> new TreeSet<>())
          .add(op.path("id").asText());
    }
    assertThat(existing.get("instance")).containsExactly(id);
    assertThat(existing.get("volume")).isEqualTo(made.get("volumes"));
    assertThat(existing.get("network-interface")).isEqualTo(made.get("network interfaces"));
    assertThat(existing.get("elastic-ip")).isEqualTo(ids(made.get("addresses")));

    // What Deploy refuses, the plan refuses: an AMI EC2 does not know, a quota.
    String unknown = request(connectSubnet("x-nic", pub, "0"), deployApp("x", "x", Map.of(
        "AWS AMI Id", "ami-0000000000000dead")));
    JsonNode refused = plan(Command.DEPLOY, "res-dp", unknown).get(1);
    assertThat(refused.path("success").asBoolean()).isFalse();
    assertThat(refused.path("error").asText()).contains("ami-0000000000000dead")
        .contains("'AWS AMI Id'");
    assertThat(result(results(bed.driver.deploy(context("res-dp"), unknown,
        CancellationContext.NONE)), "x").path("success").asBoolean()).isFalse();
    bed.attributes.put("Hangar Cloud Provider.Quotas", "reservation.vms=1");
    String second = request(connectSubnet("y-nic", pub, "0"), deployApp("y", "y", Map.of(
        "AWS AMI Id", AwsSandboxTest.AMI)));
    JsonNode overQuota = plan(Command.DEPLOY, "res-dp", second).get(1);
    String message = "quota reservation.vms of reservation 'res-dp' exceeded: 2 in use with"
        + " this Deploy, limit 1";
    assertThat(overQuota.path("error").asText()).startsWith(message);
    assertThat(result(results(bed.driver.deploy(context("res-dp"), second,
        CancellationContext.NONE)), "y").path("errorMessage").asText()).startsWith(message);
    assertThat(MotoState.read(ec2)).isEqualTo(after);
  }

  private JsonNode plan(Command command, String reservation, String request) {
    return AwsTestbed.CODEC.readTree(planning.plan(command, contextJson(reservation), request),
        "plan").path("plan");
  }

  /** Prepares the sandbox and deploys {@code apps} apps; returns its public subnet. */
  private String sandbox(String reservation, int apps) {
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
    return pub;
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
