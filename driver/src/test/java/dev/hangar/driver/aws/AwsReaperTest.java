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
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.TagDescription;

/**
 * The AWS reaper on moto: every object a sandbox makes carries its expiry from the create call;
 * an orphaned sandbox (its teardown cut off after one DeleteInstance, no Cleanup) is removed
 * whole, and nothing else is: not a sandbox that has not expired, one that never does, nor
 * objects without Hangar's tags.
 */
class AwsReaperTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());
  private final SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
      new AwsBackendProvider(AwsTestbed.FAST)), c -> bed.api);

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  @Test
  void everyObjectOfASandboxCarriesItsExpiryAndDomainFromItsCreateCall() {
    Instant before = Instant.now().minusSeconds(1);
    sandbox("res-marks", "3", 2);
    Instant after = Instant.now().plusSeconds(1);

    Map<String, Map<String, String>> tags = tagsOf("res-marks");
    assertThat(tags.values()).extracting(t -> t.get("hangar:role")).contains("vpc",
        "internet-gateway", "public-routes", "private-routes", "sandbox-security-group",
        "subnet", "key-pair", "instance", "elastic-ip");
    assertThat(tags).allSatisfy((id, t) -> {
      assertThat(t.get("hangar:domain")).as(id).isEqualTo("Global");
      assertThat(Instant.parse(t.get("hangar:expires"))).as(id).isBetween(
          before.plus(Duration.ofHours(3)).minusSeconds(1), after.plus(Duration.ofHours(3)));
    });
  }

  @Test
  void aBadSandboxLifetimeFailsThePrepareNamingItAndMakesNothing() {
    MotoState empty = MotoState.read(ec2);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(context("res-bad", "lots"),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(result(prepared, "net").path("success").asBoolean()).isFalse();
    assertThat(result(prepared, "net").path("errorMessage").asText())
        .contains("'Sandbox Lifetime'");
    assertThat(MotoState.read(ec2)).isEqualTo(empty);
  }

  @Test
  void anOrphanedSandboxIsRemovedWholeAndNothingElse() {
    sandbox("res-fresh", "5", 1);
    sandbox("res-never", "0", 0);
    String foreignVpc = ec2.createVpc(q -> q.cidrBlock("10.9.0.0/16")).vpc().vpcId();
    ec2.createSecurityGroup(q -> q.groupName("not-hangars").description("x")
        .vpcId(foreignVpc));
    MotoState keep = MotoState.read(ec2);
    List<JsonNode> apps = sandbox("res-old", "1", 3);
    // Teardown cut off: one app deleted, the others (one with an Elastic IP) and the whole
    // network left.
    bed.driver.deleteInstance(bed.remote("app2", apps.get(2)));
    MotoState orphaned = MotoState.read(ec2);
    Instant later = Instant.now().plus(Duration.ofHours(2));

    ReapReport dry = reaping.reap(context(), true, later, CancellationContext.NONE);

    assertThat(dry.clean()).isTrue();
    assertThat(dry.lines()).isNotEmpty().allMatch(l -> l.outcome() == Outcome.WOULD_REMOVE
        && l.sandbox().equals("res-old") && l.where().equals(Ec2Peer.REGION));
    assertThat(dry.lines()).extracting(Line::kind).containsSubsequence("instance",
        "elastic-ip", "key-pair", "security-group", "subnet", "route-table",
        "internet-gateway", "vpc");
    assertThat(dry.lines()).extracting(Line::id).contains(apps.get(0).path("vmUuid").asText(),
        apps.get(1).path("vmUuid").asText()).doesNotContain(apps.get(2).path("vmUuid")
        .asText());
    assertThat(MotoState.read(ec2)).isEqualTo(orphaned);

    ReapReport done = reaping.reap(context(), false, later, CancellationContext.NONE);

    assertThat(done.clean()).as(done.lines().toString()).isTrue();
    assertThat(done.lines()).allMatch(l -> l.outcome() == Outcome.REMOVED);
    assertThat(done.lines()).extracting(Line::id).containsExactlyElementsOf(
        dry.lines().stream().map(Line::id).toList());
    assertThat(MotoState.read(ec2)).isEqualTo(keep);
    assertThat(reaping.reap(context(), false, later, CancellationContext.NONE).lines())
        .isEmpty();
  }

  @Test
  void twoReapersAtOnceFinishClean() {
    MotoState empty = MotoState.read(ec2);
    sandbox("res-a", "1", 2);
    sandbox("res-b", "1", 1);
    Instant later = Instant.now().plus(Duration.ofHours(2));

    CompletableFuture<ReapReport> one = CompletableFuture.supplyAsync(() ->
        reaping.reap(context(), false, later, CancellationContext.NONE));
    CompletableFuture<ReapReport> two = CompletableFuture.supplyAsync(() ->
        reaping.reap(context(), false, later, CancellationContext.NONE));

    assertThat(one.join().clean()).as(one.join().lines().toString()).isTrue();
    assertThat(two.join().clean()).as(two.join().lines().toString()).isTrue();
    assertThat(MotoState.read(ec2)).isEqualTo(empty);
  }

  /** Prepares a sandbox and deploys {@code apps} apps in it (the first with an Elastic IP). */
  private List<JsonNode> sandbox(String reservation, String lifetimeHours, int apps) {
    ResourceCommandContext ctx = context(reservation, lifetimeHours);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(ctx, AwsTestbed.prepareRequest(),
        CancellationContext.NONE));
    assertThat(prepared.findValues("success")).as(prepared.toString())
        .allMatch(JsonNode::asBoolean);
    String pub = result(prepared, "pub").path("subnetId").asText();
    List<JsonNode> out = new java.util.ArrayList<>();
    for (int i = 0; i < apps; i++) {
      String action = reservation + "-app" + i;
      JsonNode r = result(results(bed.driver.deploy(ctx, request(
          connectSubnet(action + "-nic", pub, "0"), deployApp(action, "app" + i, Map.of(
              "AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options",
              i == 0 ? "Elastic IP" : "No Public IP"))), CancellationContext.NONE)), action);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      out.add(r);
    }
    return out;
  }

  private ResourceCommandContext context(String reservation, String lifetimeHours) {
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Sandbox Lifetime", lifetimeHours);
    return AwsTestbed.CODEC.read("{\"connectivity\":{\"server_address\":\"127.0.0.1\","
        + "\"admin_auth_token\":\"tok-1\"},\"resource\":{\"name\":\"hangar-aws\",\"fullname\":"
        + "\"hangar-aws\",\"model\":\"Hangar Cloud Provider\",\"attributes\":"
        + AwsTestbed.CODEC.write(attrs) + "},\"reservation\":{\"reservation_id\":\""
        + reservation + "\",\"owner_user\":\"alice\",\"domain\":\"Global\"}}",
        ResourceCommandContext.class);
  }

  /** The reaper's context: the provider resource alone. */
  private String context() {
    return bed.providerContext();
  }

  /** Every object tagged with the sandbox, with all its tags. */
  private Map<String, Map<String, String>> tagsOf(String sandbox) {
    Map<String, Map<String, String>> out = new HashMap<>();
    List<String> ids = ec2.describeTags(q -> q.filters(Filter.builder().name("key")
        .values("hangar:sandbox").build(), Filter.builder().name("value").values(sandbox)
        .build())).tags().stream().map(TagDescription::resourceId).toList();
    for (TagDescription t : ec2.describeTags(q -> q.filters(Filter.builder()
        .name("resource-id").values(ids).build())).tags()) {
      out.computeIfAbsent(t.resourceId(), k -> new HashMap<>()).put(t.key(), t.value());
    }
    return out;
  }
}
