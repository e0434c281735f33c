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
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The provider's Quotas on AWS (moto), counted from EC2 by tags: 20 Deploys at once through two
 * sandbox hosts (each its own AWS backend, sharing only moto) never exceed reservation.vms nor
 * domain.vcpus across two reservations of one domain, and Deploys after the race fill the places
 * left exactly; a public-ips limit; a refused Deploy names the quota, its use and its limit and
 * leaves nothing (no instance, interface, volume or Elastic IP); a malformed Quotas fails the
 * Deploy naming the attribute. Every sandbox is cleaned up and moto ends as it began.
 */
class AwsQuotaTest {
  /** Bounds roomy enough for 20 Deploys at once on a loaded machine; polls short. */
  private static final AwsTimeouts RACE = new AwsTimeouts(Duration.ofSeconds(90),
      Duration.ofSeconds(90), Duration.ofSeconds(90), Duration.ofSeconds(90),
      Duration.ofMillis(50), 4, Duration.ofMillis(5), Duration.ofMillis(5),
      AwsTimeouts.Sleeper.REAL);
  private static final String DOMAIN = "Engineering";
  private final AwsTestbed bed = AwsTestbed.onMoto(RACE);
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());
  private final MotoState before = MotoState.read(ec2);
  /** The public subnet of each prepared reservation. */
  private final Map<String, String> subnets = new HashMap<>();

  @AfterEach
  void cleanUp() {
    try {
      for (String reservation : subnets.keySet()) {
        JsonNode r = result(results(bed.driver.cleanupSandboxInfra(context(reservation),
            AwsTestbed.cleanupRequest())), "clean");
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      }
      assertThat(MotoState.read(ec2)).as("moto after every cleanup").isEqualTo(before);
    } finally {
      ec2.close();
      bed.close();
    }
  }

  @Test
  void twentyDeploysThroughTwoHostsNeverExceedTheReservationAndDomainQuotas() throws Exception {
    // t3.micro has 2 vCPUs: domain.vcpus=14 holds 7 instances, reservation.vms=5 per sandbox.
    bed.attributes.put("Hangar Cloud Provider.Quotas", "reservation.vms=5, domain.vcpus=14");
    prepare("res-qa");
    prepare("res-qb");
    BearerToken token = new BearerToken("aws-quota-token-5e6f7a8b9c0d");
    try (CallbackServer orchestrator = CallbackServer.start(new HostPort("127.0.0.1", 0),
            bed.api);
        SandboxHost a = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
            BackendRegistry.empty().register(new AwsBackendProvider(RACE)));
        SandboxHost b = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
            BackendRegistry.empty().register(new AwsBackendProvider(RACE)));
        HostClient clientA = HostClient.connect(a.address(), token, ClientTls.PLAINTEXT);
        HostClient clientB = HostClient.connect(b.address(), token, ClientTls.PLAINTEXT)) {
      Map<String, ObjectNode> contexts = new HashMap<>();
      for (String reservation : subnets.keySet()) {
        ObjectNode ctx = AwsTestbed.CODEC.mapper().valueToTree(context(reservation));
        orchestrator.expose(ctx);
        contexts.put(reservation, ctx);
      }
      ExecutorService pool = Executors.newFixedThreadPool(20);
      List<Future<JsonNode>> calls = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          HostClient client = i % 2 == 0 ? clientA : clientB;
          String reservation = i < 10 ? "res-qa" : "res-qb";
          String action = reservation + "-race-" + i;
          String req = deployRequest(reservation, action, "app" + i, i % 3 == 0
              ? "Elastic IP" : "No Public IP");
          calls.add(pool.submit(() -> result(results(client.call(Command.DEPLOY,
              contexts.get(reservation), req, Duration.ofSeconds(180))), action)));
        }
        int kept = 0;
        for (Future<JsonNode> f : calls) {
          JsonNode r = f.get();
          if (r.path("success").asBoolean()) {
            kept++;
          } else {
            assertThat(r.path("errorMessage").asText()).as(r.toString()).containsAnyOf(
                "quota reservation.vms of reservation 'res-q",
                "quota domain.vcpus of domain '" + DOMAIN + "' exceeded");
            assertThat(r.path("errorMessage").asText()).contains(" in use with this Deploy,"
                + " limit ");
          }
        }
        assertThat(kept).as("Deploys kept").isBetween(1, 7);
        assertWithinQuotas();
      } finally {
        pool.shutdownNow();
      }

      // After the race, Deploys through either host fill the places left, exactly: 7 in the
      // domain (14 vCPUs), none past 5 in a reservation.
      for (int i = 0; live(null).size() < 7 && i < 12; i++) {
        String reservation = live("res-qa").size() < 5 ? "res-qa" : "res-qb";
        String action = reservation + "-after-" + i;
        JsonNode r = result(results((i % 2 == 0 ? clientA : clientB).call(Command.DEPLOY,
            contexts.get(reservation), deployRequest(reservation, action, "late" + i,
                "No Public IP"), Duration.ofSeconds(120))), action);
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      }
      assertThat(live(null)).hasSize(7);
      assertWithinQuotas();
      String reservation = live("res-qa").size() < 5 ? "res-qa" : "res-qb";
      JsonNode over = result(results(clientA.call(Command.DEPLOY, contexts.get(reservation),
          deployRequest(reservation, "one-more", "extra", "No Public IP"),
          Duration.ofSeconds(120))), "one-more");
      assertThat(over.path("errorMessage").asText()).startsWith("quota domain.vcpus of domain '"
          + DOMAIN + "' exceeded: 16 in use with this Deploy, limit 14; ");
    }
    assertThat(live(null)).hasSize(7);
    // The refused Deploys left nothing: each live instance has its one interface and volume,
    // and the only Elastic IPs are those of kept apps.
    MotoState now = MotoState.read(ec2);
    assertThat(now.ids().get("network interfaces")).hasSize(7);
    assertThat(now.ids().get("volumes")).hasSize(7);
    long elastic = live(null).stream().filter(i -> "1".equals(Tags.value(i.tags(),
        Tags.PUBLIC_IPS))).count();
    assertThat(now.ids().get("addresses")).hasSize((int) elastic);
  }

  @Test
  void aPublicIpsLimitRefusesTheAppOverItAndTheRefusalLeavesNothing() {
    bed.attributes.put("Hangar Cloud Provider.Quotas", "reservation.public-ips=1");
    prepare("res-ip");
    MotoState prepared = MotoState.read(ec2);
    assertThat(deploy("res-ip", "ip-1", "web", "Elastic IP").path("success").asBoolean())
        .isTrue();
    MotoState one = MotoState.read(ec2);

    JsonNode refused = deploy("res-ip", "ip-2", "api", "Public IP");
    assertThat(refused.path("success").asBoolean()).isFalse();
    assertThat(refused.path("errorMessage").asText()).startsWith("quota reservation.public-ips"
        + " of reservation 'res-ip' exceeded: 2 in use with this Deploy, limit 1; delete apps or"
        + " ask your admin to raise 'Quotas'");
    assertThat(MotoState.read(ec2)).as("moto after the refused Deploy").isEqualTo(one);

    assertThat(deploy("res-ip", "ip-3", "db", "No Public IP").path("success").asBoolean())
        .as("an app without a public IP").isTrue();
    assertThat(live("res-ip")).hasSize(2);
    assertThat(MotoState.read(ec2).goneSince(prepared)).isEmpty();
  }

  @Test
  void theDomainCountsEveryReservationAndAMalformedQuotasNamesTheAttribute() {
    bed.attributes.put("Hangar Cloud Provider.Quotas", "domain.vms=2, domain.ram=4096");
    prepare("res-d1");
    prepare("res-d2");
    assertThat(deploy("res-d1", "d-1", "a", "No Public IP").path("success").asBoolean()).isTrue();
    assertThat(deploy("res-d2", "d-2", "b", "No Public IP").path("success").asBoolean()).isTrue();
    JsonNode refused = deploy("res-d1", "d-3", "c", "No Public IP");
    assertThat(refused.path("errorMessage").asText()).startsWith("quota domain.vms of domain '"
        + DOMAIN + "' exceeded: 3 in use with this Deploy, limit 2");
    assertThat(live(null)).hasSize(2);

    bed.attributes.put("Hangar Cloud Provider.Quotas", "domain.vms=3, domain.ram=2048");
    JsonNode ram = deploy("res-d2", "d-4", "d", "No Public IP");
    assertThat(ram.path("errorMessage").asText()).startsWith("quota domain.ram of domain '"
        + DOMAIN + "' exceeded: 3072 MiB in use with this Deploy, limit 2048");

    bed.attributes.put("Hangar Cloud Provider.Quotas", "domain.cpus=4");
    int launches = bed.moto.requests("RunInstances").size();
    JsonNode bad = deploy("res-d2", "d-5", "e", "No Public IP");
    assertThat(bad.path("errorMessage").asText()).startsWith("attribute 'Quotas' of cloud"
        + " provider 'hangar-aws': 'domain.cpus=4' is not SCOPE.MEASURE=N");
    assertThat(bed.moto.requests("RunInstances")).as("launches").hasSize(launches);
    assertThat(live(null)).hasSize(2);
  }

  /** Per reservation at most 5, in the domain at most 14 vCPUs (7 t3.micro). */
  private void assertWithinQuotas() {
    assertThat(live("res-qa").size()).isLessThanOrEqualTo(5);
    assertThat(live("res-qb").size()).isLessThanOrEqualTo(5);
    assertThat(live(null).size() * 2).as("vCPUs in the domain").isLessThanOrEqualTo(14);
  }

  /** The live Hangar instances of a reservation, or of the domain for null. */
  private List<Instance> live(String reservation) {
    return ec2.describeInstances(q -> q.filters(Tags.tag(reservation == null ? Tags.DOMAIN
        : Tags.SANDBOX, reservation == null ? DOMAIN : reservation), Tags.filter(
        "instance-state-name", "pending", "running", "stopping", "stopped")))
        .reservations().stream().flatMap(r -> r.instances().stream()).toList();
  }

  private void prepare(String reservation) {
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(context(reservation),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(prepared.findValues("success")).as(prepared.toString())
        .allMatch(JsonNode::asBoolean);
    subnets.put(reservation, result(prepared, "pub").path("subnetId").asText());
  }

  private JsonNode deploy(String reservation, String action, String app, String publicIp) {
    return result(results(bed.driver.deploy(context(reservation), deployRequest(reservation,
        action, app, publicIp), CancellationContext.NONE)), action);
  }

  private String deployRequest(String reservation, String action, String app, String publicIp) {
    return request(connectSubnet(action + "-nic", subnets.get(reservation), "0"),
        deployApp(action, app, Map.of("AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options",
            publicIp)));
  }

  private ResourceCommandContext context(String reservation) {
    return AwsTestbed.CODEC.read("{\"connectivity\":{\"server_address\":\"127.0.0.1\","
        + "\"admin_auth_token\":\"tok-1\"},\"resource\":{\"name\":\"hangar-aws\",\"fullname\":"
        + "\"hangar-aws\",\"model\":\"Hangar Cloud Provider\",\"attributes\":"
        + AwsTestbed.CODEC.write(bed.attributes) + "},\"reservation\":{\"reservation_id\":\""
        + reservation + "\",\"owner_user\":\"alice\",\"domain\":\"" + DOMAIN + "\"}}",
        ResourceCommandContext.class);
  }
}
