package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.Command;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Outcome;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.testing.ProgressHookApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The same Deploy actionId on two sandbox hosts at once (each its own AWS backend, sharing only
 * moto) makes one instance, which both answers name; the claim behind it ({@link
 * Ec2DeployClaims}) is waited for while fresh, taken over once stale, never left behind, and
 * reaped when stale; a second holder (moto checks a key pair name and inserts it without a lock,
 * so two imports at one instant can both succeed: 12 of 2000 racing pairs did) gives way to the
 * claim's owner and adopts its instance. Everything is deleted and moto ends as it began.
 */
class AwsTwoHostsDeployRaceTest {
  /** Roomy bounds for a loaded machine; polls short. */
  private static final AwsTimeouts RACE = new AwsTimeouts(Duration.ofSeconds(90),
      Duration.ofSeconds(90), Duration.ofSeconds(90), Duration.ofSeconds(90),
      Duration.ofMillis(50), 4, Duration.ofMillis(5), Duration.ofMillis(5),
      AwsTimeouts.Sleeper.REAL);
  private static final String SANDBOX = AwsTestbed.SANDBOX;
  private static final Duration CALL = Duration.ofSeconds(180);

  private AwsTestbed bed;
  private Ec2Client ec2;
  private MotoState before;
  private String subnet;

  private void start(AwsTimeouts timeouts) {
    bed = AwsTestbed.onMoto(timeouts);
    ec2 = MotoState.client(bed.endpoint());
    before = MotoState.read(ec2);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(context(), AwsTestbed
        .prepareRequest(), CancellationContext.NONE));
    assertThat(prepared.findValues("success")).as(prepared.toString())
        .allMatch(JsonNode::asBoolean);
    subnet = result(prepared, "pub").path("subnetId").asText();
  }

  @AfterEach
  void cleanUp() {
    if (bed == null) {
      return;
    }
    try {
      JsonNode r = result(results(bed.driver.cleanupSandboxInfra(context(),
          AwsTestbed.cleanupRequest())), "clean");
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      assertThat(MotoState.read(ec2)).as("moto after the cleanup").isEqualTo(before);
    } finally {
      ec2.close();
      bed.close();
    }
  }

  @Test
  void theSameDeployOnTwoHostsAtOnceMakesOneInstanceThatBothAnswersName() throws Exception {
    start(RACE);
    BearerToken token = new BearerToken("aws-twin-token-1a2b3c4d5e6f");
    List<JsonNode> made = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (CallbackServer orchestrator = CallbackServer.start(new HostPort("127.0.0.1", 0),
            bed.api);
        SandboxHost a = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
            BackendRegistry.empty().register(new AwsBackendProvider(RACE)));
        SandboxHost b = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
            BackendRegistry.empty().register(new AwsBackendProvider(RACE)));
        HostClient clientA = HostClient.connect(a.address(), token, ClientTls.PLAINTEXT);
        HostClient clientB = HostClient.connect(b.address(), token, ClientTls.PLAINTEXT)) {
      ObjectNode ctx = AwsTestbed.CODEC.mapper().valueToTree(context());
      orchestrator.expose(ctx);
      for (int round = 0; round < 5; round++) {
        String action = "twin-" + round;
        String req = deployRequest(action, "twin" + round);
        CyclicBarrier together = new CyclicBarrier(2);
        Future<JsonNode> onA = pool.submit(() -> {
          together.await();
          return result(results(clientA.call(Command.DEPLOY, ctx, req, CALL)), action);
        });
        Future<JsonNode> onB = pool.submit(() -> {
          together.await();
          return result(results(clientB.call(Command.DEPLOY, ctx, req, CALL)), action);
        });
        JsonNode ra = onA.get(CALL.toSeconds(), TimeUnit.SECONDS);
        JsonNode rb = onB.get(CALL.toSeconds(), TimeUnit.SECONDS);
        if (ra.path("success").asBoolean()) {
          made.add(ra);
        }
        assertThat(ra.path("success").asBoolean()).as(ra.toString()).isTrue();
        assertThat(rb.path("success").asBoolean()).as(rb.toString()).isTrue();
        for (String field : List.of("vmUuid", "vmName", "deployedAppAdditionalData")) {
          assertThat(rb.path(field)).as(field).isEqualTo(ra.path(field));
        }
        assertThat(List.of(ra.path("infoMessage").asText(), rb.path("infoMessage").asText()))
            .as("one host launched it, the other adopted it")
            .anyMatch(m -> m.startsWith("launched instance "))
            .anyMatch(m -> m.startsWith("found instance "));
        assertThat(live(action)).as("instances of " + action).extracting(Instance::instanceId)
            .containsExactly(ra.path("vmUuid").asText());
        assertThat(claims()).as("claims after round " + round).isEmpty();
      }
      for (JsonNode r : made) {
        bed.driver.deleteInstance(bed.remote(r.path("vmName").asText(), r));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(live(null)).isEmpty();
  }

  @Test
  void aFreshClaimIsWaitedForAndTheDeployLaunchesOnceItIsReleased() throws Exception {
    start(RACE);
    // Another host's claim, fresh: the Deploy waits and launches nothing until it goes.
    String name = Ec2DeployClaims.name(SANDBOX, "held");
    importClaim(name, "held");
    int looks = bed.moto.requests("DescribeKeyPairs").size();
    CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() -> deploy("held",
        "held"));
    await(() -> bed.moto.requests("DescribeKeyPairs").size() >= looks + 3, "the Deploy waits");
    assertThat(bed.moto.requests("RunInstances")).isEmpty();
    assertThat(held).isNotDone();
    ec2.deleteKeyPair(q -> q.keyName(name));
    JsonNode r = held.get(60, TimeUnit.SECONDS);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("infoMessage").asText()).startsWith("launched instance ");
    assertThat(live("held")).extracting(Instance::instanceId)
        .containsExactly(r.path("vmUuid").asText());
    assertThat(claims()).isEmpty();
    bed.driver.deleteInstance(bed.remote("held", r));
    assertThat(live(null)).isEmpty();
  }

  @Test
  void aClaimOlderThanTheStaleLimitIsTakenOver() throws Exception {
    start(RACE.withClaimStale(Duration.ofSeconds(2)));
    // Its host died between the claim and the launch: nothing else would ever release it.
    String left = Ec2DeployClaims.name(SANDBOX, "orphan");
    importClaim(left, "orphan");
    Instant madeAt = Instant.now();
    JsonNode taken = deploy("orphan", "orphan");
    assertThat(taken.path("success").asBoolean()).as(taken.toString()).isTrue();
    assertThat(taken.path("infoMessage").asText()).startsWith("launched instance ");
    // moto dates a key pair to the second: at least one second of the two passed here.
    assertThat(Duration.between(madeAt, Instant.now())).as("waited for it to be stale")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(live("orphan")).extracting(Instance::instanceId)
        .containsExactly(taken.path("vmUuid").asText());
    assertThat(claims()).isEmpty();
    assertThat(bed.moto.requests("ImportKeyPair")).as("refused, then the Deploy's own")
        .hasSize(2);
    bed.driver.deleteInstance(bed.remote("orphan", taken));
    assertThat(live(null)).isEmpty();
  }

  @Test
  void aSecondHolderGivesWayToTheClaimsOwnerAndAdoptsItsInstance() throws Exception {
    start(RACE);
    String name = Ec2DeployClaims.name(SANDBOX, "two");
    String[] twin = new String[1];
    String[] own = new String[1];
    // Once the Deploy launched under its claim, another holder appears, as when moto lets two
    // imports succeed: the claim is now that holder's, and it launched the action too.
    Consumer<String> otherHolder = message -> {
      if (message.startsWith("waiting for instance ") && twin[0] == null) {
        own[0] = message.split(" ")[3];
        ec2.deleteKeyPair(q -> q.keyName(name));
        importClaim(name, "two");
        twin[0] = ec2.runInstances(q -> q.imageId(AwsSandboxTest.AMI).instanceType("t3.micro")
            .minCount(1).maxCount(1).networkInterfaces(n -> n.deviceIndex(0).subnetId(subnet)
                .deleteOnTermination(true)).tagSpecifications(Tags.spec(
                ResourceType.INSTANCE, Map.of(Tags.SANDBOX, SANDBOX, Tags.ACTION, "two",
                    Tags.APP, "two", Tags.NAME, "two")))).instances().get(0).instanceId();
      }
    };
    CloudProviderDriver driver = new CloudProviderDriver(BackendRegistry.empty().register(
        new AwsBackendProvider(RACE)), c -> new ProgressHookApi(bed.api, otherHolder));
    CompletableFuture<JsonNode> deploy = CompletableFuture.supplyAsync(() -> result(results(
        driver.deploy(context(), deployRequest("two", "two", "No Public IP"),
            CancellationContext.NONE)),
        "two"));
    // The Deploy gives way: it terminates its own instance and waits for the owner's release.
    await(() -> own[0] != null && terminated(own[0]), "the second holder's instance ends");
    assertThat(deploy).isNotDone();
    assertThat(claims()).extracting(KeyPairInfo::keyName).containsExactly(name);
    ec2.deleteKeyPair(q -> q.keyName(name));
    JsonNode r = deploy.get(60, TimeUnit.SECONDS);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("vmUuid").asText()).isEqualTo(twin[0]);
    assertThat(r.path("infoMessage").asText()).startsWith("found instance " + twin[0]);
    assertThat(live("two")).extracting(Instance::instanceId).containsExactly(twin[0]);
    assertThat(claims()).isEmpty();
    bed.driver.deleteInstance(bed.remote("two", r));
    assertThat(live(null)).isEmpty();
  }

  @Test
  void theReaperRemovesAStaleClaimAndKeepsAFreshOne() throws Exception {
    start(RACE);
    String old = Ec2DeployClaims.name(SANDBOX, "old");
    importClaim(old, "old");
    Thread.sleep(2100);
    String fresh = Ec2DeployClaims.name(SANDBOX, "fresh");
    importClaim(fresh, "fresh");
    Instant oldAt = claims().stream().filter(k -> k.keyName().equals(old)).findFirst()
        .orElseThrow().createTime();
    // The reaper's clock just past the old claim's stale limit: the fresh one is younger.
    Instant now = oldAt.plus(Ec2DeployClaims.STALE).plusMillis(500);
    SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
        new AwsBackendProvider(RACE)), c -> bed.api);
    ReapReport dry = reaping.reap(reaperContext(), true, now, CancellationContext.NONE);
    assertThat(dry.lines()).filteredOn(l -> l.kind().equals("deploy-claim"))
        .extracting(ReapReport.Line::outcome, ReapReport.Line::id)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.WOULD_REMOVE, old));
    assertThat(claims()).hasSize(2);
    ReapReport done = reaping.reap(reaperContext(), false, now, CancellationContext.NONE);
    assertThat(done.lines()).filteredOn(l -> l.kind().equals("deploy-claim"))
        .extracting(ReapReport.Line::outcome, ReapReport.Line::id)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.REMOVED, old));
    assertThat(claims()).extracting(KeyPairInfo::keyName).containsExactly(fresh);
    // The fresh one (a Deploy in flight, say, whose host then died) goes with the sandbox's
    // Cleanup, in cleanUp().
  }

  /** Imports a claim as another host's Deploy would. */
  private void importClaim(String name, String action) {
    ec2.importKeyPair(q -> q.keyName(name).publicKeyMaterial(SdkBytes.fromString(
        Ec2DeployClaims.PUBLIC_KEY, StandardCharsets.US_ASCII)).tagSpecifications(Tags.spec(
        ResourceType.KEY_PAIR, Map.of(Tags.SANDBOX, SANDBOX, Tags.ROLE,
            Tags.ROLE_DEPLOY_CLAIM, Tags.ACTION, action))));
  }

  private JsonNode deploy(String action, String app) {
    return result(results(bed.driver.deploy(context(), deployRequest(action, app),
        CancellationContext.NONE)), action);
  }

  private String deployRequest(String action, String app) {
    return deployRequest(action, app, "Public IP");
  }

  private String deployRequest(String action, String app, String publicIp) {
    return request(connectSubnet(action + "-nic", subnet, "0"), deployApp(action, app, Map.of(
        "AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options", publicIp)));
  }

  /** The Deploy claims in moto, of any sandbox. */
  private List<KeyPairInfo> claims() {
    return ec2.describeKeyPairs().keyPairs().stream()
        .filter(k -> Ec2DeployClaims.isClaim(k.keyName())).toList();
  }

  /** The live instances of an action of the sandbox, or of the whole sandbox for null. */
  private List<Instance> live(String action) {
    return ec2.describeInstances(q -> q.filters(action == null ? List.of(Tags.sandbox(SANDBOX),
        Tags.filter("instance-state-name", "pending", "running", "stopping", "stopped"))
        : List.of(Tags.sandbox(SANDBOX), Tags.tag(Tags.ACTION, action), Tags.filter(
            "instance-state-name", "pending", "running", "stopping", "stopped"))))
        .reservations().stream().flatMap(r -> r.instances().stream()).toList();
  }

  private boolean terminated(String id) {
    return ec2.describeInstances(q -> q.instanceIds(id)).reservations().stream()
        .flatMap(r -> r.instances().stream()).allMatch(i -> i.state().name()
            == InstanceStateName.TERMINATED || i.state().name()
            == InstanceStateName.SHUTTING_DOWN);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private ResourceCommandContext context() {
    return bed.resource();
  }

  /** The reaper's context: the provider resource alone. */
  private String reaperContext() {
    return bed.providerContext();
  }
}
