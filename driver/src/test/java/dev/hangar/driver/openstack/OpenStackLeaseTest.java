package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.CODEC;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.embedded.PrivateOpenStack;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;

/**
 * The OpenStack reaper on the real stack: every object an L3 sandbox makes carries its sandbox,
 * expiry and owner domain from its create call; an orphaned sandbox (one app deleted, then the
 * teardown cut off) is listed by a dry run that changes nothing, then removed whole by two
 * reapers at once that both finish clean; a sandbox that has not expired, and a network named
 * like the sandbox's but without Hangar's marks, are untouched. The cleanup plan of the
 * sandbox left changes nothing and lists exactly what CleanupSandboxInfra then deletes. A quota
 * holds under parallel
 * Deploys: the servers beyond it roll back with an error naming the quota, its use and limit.
 * A Deploy plan changes nothing, the Deploy then boots the planned server (name, image, flavor,
 * marks) and floating IP, and the plan of its retry says both exist.
 */
class OpenStackLeaseTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();
  private final CommandPlanning planning = new CommandPlanning(BackendRegistry.empty()
      .register(new OpenStackBackendProvider(OpenStackTestbed.FAST)), c -> bed.api);
  /** The common pool has one thread on two cores: parallel work gets threads of its own. */
  private final ExecutorService threads = Executors.newFixedThreadPool(5);
  private final SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
      new OpenStackBackendProvider(OpenStackTestbed.FAST)), c -> bed.api);

  OpenStackLeaseTest() {
    bed.attributes.put("Hangar Cloud Provider.Networking type", "L3");
  }

  private static final String CLEANUP = request(
      "{\"actionId\":\"c1\",\"type\":\"cleanupNetwork\"}");

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void anOrphanedSandboxIsRemovedWholeByTwoReapersAtOnceAndNothingElse() throws Exception {
    OSClientV3 os = bed.admin();
    String old = bed.sandbox + "-old";
    String fresh = bed.sandbox + "-fresh";
    sandbox(fresh, "5", "10.61", 1);
    Network foreign = os.networking().network().create(NeutronNetwork.builder()
        .name(SandboxMarks.prefix(old) + "foreign").adminStateUp(true).build());
    try {
      Map<String, TreeSet<String>> keep = state(os);
      Instant before = Instant.now().minusSeconds(1);
      List<JsonNode> apps = sandbox(old, "1", "10.62", 2);
      Instant after = Instant.now().plusSeconds(1);

      List<MarkedObjects.Found> marked = new MarkedObjects(new OsSession(bed.settings(
          PrivateOpenStack.PASSWORD), OpenStackTestbed.FAST)).all().stream()
          .filter(f -> f.mark().sandbox().equals(old)).toList();
      assertThat(marked).extracting(MarkedObjects.Found::kind).contains("server",
          "floating-ip", "router", "subnet", "network", "security-group");
      assertThat(marked).allSatisfy(f -> {
        assertThat(f.mark().domain()).as(f.toString()).isEqualTo("Global");
        assertThat(Instant.parse(f.mark().expires())).as(f.toString()).isBetween(
            before.plus(Duration.ofHours(1)).minusSeconds(1), after.plus(Duration.ofHours(1)));
      });
      assertThat(marked).extracting(MarkedObjects.Found::id).doesNotContain(foreign.getId());

      // teardown cut off: one app deleted, the other (with a floating IP) and the network left
      String deleted = apps.get(1).path("vmUuid").asText();
      bed.driver.deleteInstance(bed.remote("app1", deleted));
      Map<String, TreeSet<String>> orphaned = state(os);
      Instant later = Instant.now().plus(Duration.ofHours(2));

      ReapReport dry = reaping.reap(context(), true, later, CancellationContext.NONE);

      List<Line> dryOld = dry.lines().stream().filter(l -> l.sandbox().equals(old)).toList();
      assertThat(dry.clean()).isTrue();
      assertThat(dry.lines()).noneMatch(l -> l.sandbox().equals(fresh));
      assertThat(dryOld).isNotEmpty().allMatch(l -> l.outcome() == Outcome.WOULD_REMOVE
          && l.where().equals("RegionOne") && l.why().startsWith("sandbox expired at "));
      assertThat(dryOld).extracting(Line::kind).containsSubsequence("server", "floating-ip",
          "router-interface", "router", "port", "subnet", "network", "security-group",
          "key-pair");
      assertThat(dryOld).extracting(Line::id).contains(apps.get(0).path("vmUuid").asText())
          .doesNotContain(deleted, foreign.getId());
      assertThat(state(os)).isEqualTo(orphaned);

      CompletableFuture<ReapReport> one = CompletableFuture.supplyAsync(() ->
          reaping.reap(context(), false, later, CancellationContext.NONE), threads);
      CompletableFuture<ReapReport> two = CompletableFuture.supplyAsync(() ->
          reaping.reap(context(), false, later, CancellationContext.NONE), threads);

      List<Line> both = Stream.concat(one.join().lines().stream(), two.join().lines().stream())
          .toList();
      assertThat(one.join().clean()).as(one.join().lines().toString()).isTrue();
      assertThat(two.join().clean()).as(two.join().lines().toString()).isTrue();
      assertThat(both).noneMatch(l -> l.sandbox().equals(fresh));
      // a server takes its ports and floating IP with it: those lines may say already-gone
      assertThat(both).extracting(Line::outcome).containsOnly(Outcome.REMOVED,
          Outcome.ALREADY_GONE);
      assertThat(both.stream().map(Line::id)).containsAll(dryOld.stream().map(Line::id)
          .toList());
      assertThat(both.stream().filter(l -> l.kind().equals("server")).map(Line::outcome))
          .contains(Outcome.REMOVED);
      assertThat(state(os)).isEqualTo(keep);
      assertThat(reaping.reap(context(), false, later, CancellationContext.NONE).lines())
          .noneMatch(l -> l.sandbox().equals(old) || l.sandbox().equals(fresh));

      // the cleanup plan of the fresh sandbox changes nothing and lists what Cleanup deletes
      JsonNode entry = CODEC.mapper().readTree(planning.plan(Command.CLEANUP_SANDBOX_INFRA,
          contextJson(fresh, "5"), CLEANUP)).path("plan").get(0);
      assertThat(state(os)).isEqualTo(keep);
      assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
      Map<String, TreeSet<String>> planned = new LinkedHashMap<>();
      for (JsonNode op : entry.path("operations")) {
        assertThat(op.path("op").asText()).isEqualTo("delete");
        assertThat(op.path("where").asText()).isEqualTo("RegionOne");
        planned.computeIfAbsent(op.path("kind").asText(), k -> new TreeSet<>())
            .add(op.path("id").asText());
      }
      assertThat(planned.keySet()).containsExactly("server", "floating-ip", "router-interface",
          "router", "port", "subnet", "network", "security-group", "key-pair");
      JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(context(fresh, "5"),
          CLEANUP)).get(0);
      assertThat(cleaned.path("success").asBoolean()).as(cleaned.toString()).isTrue();
      Map<String, TreeSet<String>> now = state(os);
      Map<String, TreeSet<String>> gone = new LinkedHashMap<>();
      keep.forEach((k, ids) -> {
        TreeSet<String> g = new TreeSet<>(ids);
        g.removeAll(now.get(k));
        gone.put(k, g);
      });
      assertThat(planned.get("server")).isEqualTo(gone.get("servers"));
      assertThat(planned.get("floating-ip")).isEqualTo(gone.get("floating"));
      assertThat(planned.get("router")).isEqualTo(gone.get("routers"));
      assertThat(planned.get("subnet")).isEqualTo(gone.get("subnets"));
      assertThat(planned.get("network")).isEqualTo(gone.get("networks"));
      assertThat(planned.get("security-group")).isEqualTo(gone.get("groups"));
      assertThat(planned.get("key-pair")).isEqualTo(gone.get("keys"));
      // (the router's gateway port goes with the router, the floating IP's with it, unplanned)
      assertThat(gone.get("ports")).containsAll(planned.get("port"))
          .containsAll(planned.get("router-interface"));
    } finally {
      os.networking().network().delete(foreign.getId());
      results(bed.driver.cleanupSandboxInfra(context(fresh, "5"), CLEANUP));
    }
  }

  @Test
  void aDeployPlanChangesNothingAndTheDeployMakesExactlyWhatItPlanned() throws Exception {
    OSClientV3 os = bed.admin();
    Map<String, TreeSet<String>> before = state(os);
    String deploy = request(OpenStackTestbed.deployApp(bed.sandbox + "-p", "planned", Map.of(
        "Image", OpenStackSeed.IMAGE, "Floating IP", "True")));

    JsonNode entry = CODEC.mapper().readTree(planning.plan(Command.DEPLOY, contextJson(
        bed.sandbox, "2"), deploy)).path("plan").get(0);

    assertThat(state(os)).isEqualTo(before);
    assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
    JsonNode ops = entry.path("operations");
    assertThat(ops.findValuesAsText("op")).containsExactly("create", "create");
    assertThat(ops.findValuesAsText("kind")).containsExactly("server", "floating-ip");
    JsonNode planned = ops.get(0);
    assertThat(planned.at("/details/metadata/hangar-sandbox").asText()).isEqualTo(bed.sandbox);
    assertThat(planned.at("/details/metadata/hangar-domain").asText()).isEqualTo("Global");
    assertThat(planned.at("/details/network").asText()).isEqualTo(bed.cloud.managementId);
    assertThat(planned.at("/details/vcpus").asInt()).isPositive();

    JsonNode made = results(bed.driver.deploy(context(bed.sandbox, "2"), deploy,
        CancellationContext.NONE)).get(0);
    String id = made.path("vmUuid").asText();
    try {
      assertThat(made.path("success").asBoolean()).as(made.toString()).isTrue();
      Server server = os.compute().servers().get(id);
      assertThat(server.getName()).isEqualTo(planned.path("name").asText());
      assertThat(server.getImageId()).isEqualTo(planned.at("/details/image").asText());
      assertThat(server.getFlavorId()).isEqualTo(planned.at("/details/flavor").asText());
      assertThat(server.getMetadata()).containsEntry("hangar-sandbox", bed.sandbox)
          .containsEntry("hangar-domain", "Global").containsKey("hangar-expires");
      Map<String, TreeSet<String>> after = state(os);
      after.forEach((k, ids) -> ids.removeAll(before.get(k)));
      assertThat(after.get("servers")).containsExactly(id);
      assertThat(after.get("floating")).hasSize(1);
      assertThat(after.get("networks")).isEmpty();

      JsonNode retry = CODEC.mapper().readTree(planning.plan(Command.DEPLOY, contextJson(
          bed.sandbox, "2"), deploy)).path("plan").get(0).path("operations");
      assertThat(retry.findValuesAsText("op")).containsOnly("exists");
      assertThat(retry.findValuesAsText("kind")).contains("server", "floating-ip");
      assertThat(retry.findValuesAsText("id")).contains(id).containsAll(after.get("floating"));
    } finally {
      bed.driver.deleteInstance(bed.remote("planned", id));
    }
  }

  @Test
  void aQuotaHoldsUnderParallelDeploysAndTheOnesBeyondRollBack() throws Exception {
    String domain = "dom-" + bed.sandbox;
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Networking type", "L2");
    attrs.put("Hangar Cloud Provider.Quotas", "domain.vms=2");
    ResourceCommandContext ctx = CODEC.read("{" + connectivity(attrs) + ",\"reservation\":{"
        + "\"reservation_id\":\"" + bed.sandbox + "\",\"owner_user\":\"alice\",\"domain\":\""
        + domain + "\"}}", ResourceCommandContext.class);
    List<CompletableFuture<JsonNode>> deploys = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String action = bed.sandbox + "-q" + i;
      deploys.add(CompletableFuture.supplyAsync(() -> results(bed.driver.deploy(ctx, request(
          OpenStackTestbed.deployApp(action, "q" + action.hashCode(), Map.of("Image",
              OpenStackSeed.IMAGE))), CancellationContext.NONE)).get(0), threads));
    }
    List<JsonNode> done = deploys.stream().map(CompletableFuture::join).toList();
    List<JsonNode> kept = done.stream().filter(r -> r.path("success").asBoolean()).toList();
    OSClientV3 os = bed.admin();
    try {
      assertThat(kept).as(done.toString()).hasSizeBetween(1, 2);
      assertThat(done).filteredOn(r -> !r.path("success").asBoolean()).allSatisfy(r ->
          assertThat(r.path("errorMessage").asText()).contains("quota domain.vms of domain '"
              + domain + "' exceeded: ", " in use with this Deploy, limit 2"));
      List<String> left = os.compute().servers().list().stream().filter(x -> x.getStatus()
          != Server.Status.DELETED && x.getMetadata() != null && domain.equals(x.getMetadata()
              .get(LeaseMarks.DOMAIN))).map(Server::getId).toList();
      assertThat(left).containsExactlyInAnyOrderElementsOf(kept.stream().map(r -> r.path(
          "vmUuid").asText()).toList());
    } finally {
      for (JsonNode r : kept) {
        bed.driver.deleteInstance(bed.remote("q", r.path("vmUuid").asText()));
      }
    }
  }

  /**
   * Prepares an L3 sandbox on {@code net}.0.0/24 and deploys {@code apps} apps on its public
   * subnet (the first with a floating IP); their Deploy results.
   */
  private List<JsonNode> sandbox(String reservation, String lifetime, String net, int apps) {
    ResourceCommandContext ctx = context(reservation, lifetime);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(ctx, request(
        "{\"actionId\":\"p0\",\"type\":\"prepareCloudInfra\",\"actionParams\":{\"type\":"
            + "\"prepareCloudInfraParams\",\"cidr\":\"" + net + ".0.0/24\"}}",
        "{\"actionId\":\"p1\",\"type\":\"createKeys\"}",
        "{\"actionId\":\"p2\",\"type\":\"prepareSubnet\",\"actionParams\":{\"type\":"
            + "\"prepareSubnetParams\",\"cidr\":\"" + net + ".0.0/28\",\"isPublic\":true,"
            + "\"alias\":\"pub\"}}"), CancellationContext.NONE));
    assertThat(prepared.findValues("success")).as(prepared.toString())
        .allMatch(JsonNode::asBoolean);
    String subnet = prepared.get(2).path("subnetId").asText();
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < apps; i++) {
      String action = reservation + "-app" + i;
      JsonNode r = results(bed.driver.deploy(ctx, request(CODEC.write(Map.of("actionId",
          action + "-nic", "type", "connectSubnet", "actionParams", Map.of("type",
              "connectToSubnetParams", "subnetId", subnet, "cidr", net + ".0.0/28",
              "isPublic", true, "vnicName", "0"))), OpenStackTestbed.deployApp(action,
                  "app" + i, Map.of("Image", OpenStackSeed.IMAGE, "Floating IP",
                      i == 0 ? "True" : "False"))), CancellationContext.NONE)).get(1);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      out.add(r);
    }
    return out;
  }

  private ResourceCommandContext context(String reservation, String lifetime) {
    return CODEC.read(contextJson(reservation, lifetime), ResourceCommandContext.class);
  }

  private String contextJson(String reservation, String lifetime) {
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Sandbox Lifetime", lifetime);
    return "{" + connectivity(attrs) + ",\"reservation\":{\"reservation_id\":\""
        + reservation + "\",\"owner_user\":\"alice\",\"domain\":\"Global\"}}";
  }

  /** The reaper's context: the provider resource alone. */
  private String context() {
    return "{" + connectivity(bed.attributes) + "}";
  }

  private static String connectivity(Map<String, String> attrs) {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},"
        + "\"resource\":{\"name\":\"hangar-os\",\"fullname\":\"hangar-os\",\"model\":"
        + "\"Hangar Cloud Provider\",\"attributes\":" + CODEC.write(attrs) + "}";
  }

  /** The ids of what the project holds, by kind. */
  private static Map<String, TreeSet<String>> state(OSClientV3 os) {
    Map<String, TreeSet<String>> m = new LinkedHashMap<>();
    m.put("servers", new TreeSet<>(os.compute().servers().list().stream()
        .filter(x -> x.getStatus() != Server.Status.DELETED).map(Server::getId).toList()));
    m.put("networks", ids(os.networking().network().list().stream().map(x -> x.getId())));
    m.put("subnets", ids(os.networking().subnet().list().stream().map(x -> x.getId())));
    m.put("routers", ids(os.networking().router().list().stream().map(x -> x.getId())));
    m.put("ports", ids(os.networking().port().list().stream().map(x -> x.getId())));
    m.put("groups", ids(os.networking().securitygroup().list().stream().map(x -> x.getId())));
    m.put("floating", ids(os.networking().floatingip().list().stream().map(x -> x.getId())));
    m.put("keys", ids(os.compute().keypairs().list().stream().map(x -> x.getName())));
    return m;
  }

  private static TreeSet<String> ids(Stream<String> ids) {
    return new TreeSet<>(ids.toList());
  }
}
