package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sandbox of 10 apps on the WireMock fault peer with 20 % of all requests throttled
 * (RequestLimitExceeded, 503; moto cannot throttle): with the production retry count every app
 * deploys, every delete and the cleanup succeed, and nothing is left. The commands run one after
 * another so that the seeded faults fall on the same requests every run.
 * {@code bench/aws-throttling} times 50 apps against an unthrottled run.
 */
class AwsThrottlingTest {
  private final AwsTestbed bed = new AwsTestbed(new AwsTimeouts(Duration.ofSeconds(10),
      Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
      Duration.ofMillis(5), AwsTimeouts.DEFAULT.maxAttempts(), Duration.ofMillis(5),
      Duration.ofMillis(5), AwsTimeouts.Sleeper.REAL));

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void aFifthOfAllCallsThrottledStillDeploysEveryAppAndLeavesNothing() {
    bed.peer.throttle(0.2);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(prepared).allSatisfy(r -> assertThat(r.path("success").asBoolean())
        .as(r.toString()).isTrue());
    String pub = result(prepared, "pub").path("subnetId").asText();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      JsonNode r = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic-" + i,
          pub, "0"), deployApp("app-" + i, "app" + i, Map.of("AWS AMI Id",
              "ami-0abcdef1234567890"))), CancellationContext.NONE));
      assertThat(r).allSatisfy(x -> assertThat(x.path("success").asBoolean()).as(x.toString())
          .isTrue());
      ids.add(result(r, "app-" + i).path("vmUuid").asText());
    }
    assertThat(ids).doesNotHaveDuplicates();
    for (int i = 0; i < ids.size(); i++) {
      bed.driver.deleteInstance(bed.remote("app" + i, ids.get(i)));
    }
    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    assertThat(bed.peer.model().live()).isEmpty();
    assertThat(bed.peer.requests("RunInstances").stream().map(q -> q.get("ClientToken"))
        .distinct()).hasSize(10);
    double share = (double) bed.peer.throttled() / (bed.peer.throttled() + bed.peer.answered());
    assertThat(share).as("throttled share").isBetween(0.1, 0.3);
  }
}
