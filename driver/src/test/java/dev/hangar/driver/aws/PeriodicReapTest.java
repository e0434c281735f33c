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
import dev.hangar.driver.PeriodicReaper;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The periodic reaper of {@code hangar serve --reap-every}, on moto, with a clock 2 h ahead. */
class PeriodicReapTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  @Test
  void reapsAnExpiredSandboxOnItsOwnAndLogsEachObject() throws Exception {
    MotoState empty = MotoState.read(ec2);
    String instance = deployOne();
    List<String> log = new CopyOnWriteArrayList<>();
    SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
        new AwsBackendProvider(AwsTestbed.FAST)), c -> bed.api);
    String context = "{\"resource\":{\"name\":\"hangar-aws\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + AwsTestbed.CODEC.write(bed.attributes) + "}}";

    try (PeriodicReaper reaper = PeriodicReaper.start(reaping, context, Duration.ofSeconds(1),
        Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), log::add)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (log.stream().noneMatch(l -> l.startsWith("reaped ")) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    }

    assertThat(log).as(log.toString()).contains("reaped " + log.stream()
        .filter(l -> l.startsWith("removed\t")).count() + " object(s), 0 failed");
    assertThat(log).anyMatch(l -> l.startsWith("removed\tinstance\t" + instance + "\t"));
    assertThat(log).noneMatch(l -> l.startsWith("failed"));
    assertThat(MotoState.read(ec2)).isEqualTo(empty);
  }

  private String deployOne() {
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Sandbox Lifetime", "1");
    ResourceCommandContext ctx = AwsTestbed.CODEC.read("{\"connectivity\":{\"server_address\":"
        + "\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},\"resource\":{\"name\":\"hangar-aws\","
        + "\"fullname\":\"hangar-aws\",\"model\":\"Hangar Cloud Provider\",\"attributes\":"
        + AwsTestbed.CODEC.write(attrs) + "},\"reservation\":{\"reservation_id\":\"res-tick\"}}",
        ResourceCommandContext.class);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(ctx, AwsTestbed.prepareRequest(),
        CancellationContext.NONE));
    String pub = result(prepared, "pub").path("subnetId").asText();
    JsonNode r = result(results(bed.driver.deploy(ctx, request(connectSubnet("a-nic", pub, "0"),
        deployApp("a", "app", Map.of("AWS AMI Id", AwsSandboxTest.AMI))),
        CancellationContext.NONE)), "a");
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r.path("vmUuid").asText();
  }
}
