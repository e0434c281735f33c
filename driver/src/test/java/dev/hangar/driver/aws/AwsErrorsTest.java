package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.testing.LogCapture;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EC2's faults through the real SDK, on the WireMock fault peer ({@link Ec2Peer}: faults moto
 * cannot make): throttling and 503 retried by the SDK's retry strategy, DependencyViolation
 * retried by Cleanup, InvalidInstanceID.NotFound right after launch tolerated, refused
 * credentials (moto checks none) and bad attributes named; a failed or cancelled Deploy rolls
 * back; the secret key never shows. Errors that any EC2 makes are in {@link AwsMotoErrorsTest}.
 */
class AwsErrorsTest {
  /** Bounds of 2 s: the test of a dependency that never clears waits that long. */
  private final AwsTestbed bed = new AwsTestbed(new AwsTimeouts(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(20),
      4, Duration.ofMillis(5), Duration.ofMillis(5), AwsTimeouts.Sleeper.REAL));
  private final Ec2Model ec2 = bed.peer.model();

  @AfterEach
  void stop() {
    bed.close();
  }

  private JsonNode prepare() {
    JsonNode r = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(r).allSatisfy(x -> assertThat(x.path("success").asBoolean()).as(x.toString())
        .isTrue());
    return r;
  }

  private String deployWeb(JsonNode prepared, Map<String, String> attrs,
      CancellationContext cancel) {
    return bed.driver.deploy(bed.resource(), request(connectSubnet("nic", result(prepared,
        "pub").path("subnetId").asText(), "0"), deployApp("web-1", "web", attrs)), cancel);
  }

  @Test
  void throttlingAndUnavailableAreRetriedByTheSdk() {
    bed.peer.failNext("DescribeVpcs", 2, 503, "RequestLimitExceeded", "Request limit exceeded.");
    bed.peer.failNext("CreateSubnet", 1, 503, "Unavailable", "The service is unavailable.");
    prepare();
    bed.peer.wireMock().verify(3, Ec2Peer.action("DescribeVpcs"));
    bed.peer.wireMock().verify(3, Ec2Peer.action("CreateSubnet"));
    assertThat(ec2.live().stream().filter(o -> o.kind.equals("subnet"))).hasSize(2);
  }

  @Test
  void throttlingBeyondTheRetriesIsARetryableErrorOfTheAction() {
    bed.peer.failNext("DescribeVpcs", 4, 503, "RequestLimitExceeded", "Request limit exceeded.");
    JsonNode r = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(result(r, "net").path("errorMessage").asText())
        .contains("find the sandbox VPC", "RequestLimitExceeded", "retry later");
    assertThat(result(r, "pub").path("errorMessage").asText())
        .startsWith("not prepared: the sandbox network failed");
    bed.peer.wireMock().verify(4, Ec2Peer.action("DescribeVpcs"));
  }

  @Test
  void cleanupRetriesDependencyViolationAndLeavesNothing() {
    prepare();
    bed.peer.failNext("DeleteSubnet", 2, 400, "DependencyViolation",
        "The subnet 'subnet-x' has dependencies and cannot be deleted.");
    bed.peer.failNext("DeleteVpc", 1, 400, "DependencyViolation",
        "The vpc 'vpc-x' has dependencies and cannot be deleted.");
    JsonNode r = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isTrue();
    bed.peer.wireMock().verify(4, Ec2Peer.action("DeleteSubnet"));
    bed.peer.wireMock().verify(2, Ec2Peer.action("DeleteVpc"));
    assertThat(ec2.live()).isEmpty();
  }

  @Test
  void cleanupGivesUpOnAPersistentDependencyWithinItsBoundAndSaysWhat() {
    prepare();
    bed.peer.failAlways("DeleteVpc", 400, "DependencyViolation",
        "The vpc 'vpc-x' has dependencies and cannot be deleted.");
    JsonNode r = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(r.get(0).path("success").asBoolean()).isFalse();
    assertThat(r.get(0).path("errorMessage").asText()).contains("delete VPC",
        "DependencyViolation", "deleted before that: ", "2 subnets");
  }

  @Test
  void instanceNotFoundRightAfterLaunchIsTolerated() {
    JsonNode prepared = prepare();
    bed.peer.failAfter("RunInstances", "DescribeInstances", ".*InstanceId\\.1=.*", 400,
        "InvalidInstanceID.NotFound", "The instance ID 'i-x' does not exist");
    JsonNode r = results(deployWeb(prepared, Map.of("AWS AMI Id", "ami-0abcdef1234567890"),
        CancellationContext.NONE));
    assertThat(result(r, "web-1").path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(bed.peer.wireMock().findAll(Ec2Peer.action("DescribeInstances")).stream()
        .filter(x -> x.getBodyAsString().contains("InstanceId.1=")).count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aFailedDeployTerminatesWhatItLaunchedAndReleasesItsElasticIp() {
    JsonNode prepared = prepare();
    bed.peer.failNext("AssociateAddress", 1, 400, "InvalidParameterValue",
        "Interface is not attached");
    JsonNode r = results(deployWeb(prepared, Map.of("AWS AMI Id", "ami-0abcdef1234567890",
        "Public IP Options", "Elastic IP"), CancellationContext.NONE));
    assertThat(result(r, "web-1").path("success").asBoolean()).isFalse();
    assertThat(result(r, "web-1").path("errorMessage").asText())
        .contains("attach Elastic IP", "InvalidParameterValue");
    assertThat(result(r, "nic").path("errorMessage").asText()).contains("not connected");
    bed.peer.wireMock().verify(1, Ec2Peer.action("ReleaseAddress"));
    bed.peer.wireMock().verify(1, Ec2Peer.action("TerminateInstances"));
    assertThat(ec2.live()).noneMatch(o -> o.kind.equals("eip"));
    assertThat(ec2.snapshotAll("instance")).allSatisfy(i ->
        assertThat(i.f.get("state")).isIn("shutting-down", "terminated"));
  }

  @Test
  void aCancelledDeployTerminatesTheInstanceAndARetryLaunchesAnew() {
    JsonNode prepared = prepare();
    // cancelled once the launch went out, i.e. while waiting for the instance to run
    CancellationContext cancel = () -> ec2.actions().contains("RunInstances");
    JsonNode r = results(deployWeb(prepared, Map.of("AWS AMI Id", "ami-0abcdef1234567890"),
        cancel));
    assertThat(result(r, "web-1").path("success").asBoolean()).isFalse();
    assertThat(result(r, "web-1").path("errorMessage").asText()).contains("cancelled");
    bed.peer.wireMock().verify(1, Ec2Peer.action("TerminateInstances"));
    // Retrying the same action: the client token names the terminated instance; a new one runs.
    JsonNode again = results(deployWeb(prepared, Map.of("AWS AMI Id", "ami-0abcdef1234567890"),
        CancellationContext.NONE));
    assertThat(result(again, "web-1").path("success").asBoolean()).as(again.toString())
        .isTrue();
    assertThat(ec2.all("instance")).hasSize(1);
  }

  @Test
  void refusedCredentialsAreNamedWithoutTheSecret() {
    bed.attributes.put("Hangar Cloud Provider.AWS Access Key ID", "AKIAWRONGWRONGWRONG0");
    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
          .isInstanceOf(ClientException.class)
          .hasMessageContaining("EC2 refused the credentials")
          .hasMessageContaining("'AWS Access Key ID'")
          .hasMessageContaining("'AWS Secret Access Key'")
          .hasMessageNotContaining(Ec2Peer.SECRET);
      assertThat(logs.text()).doesNotContain(Ec2Peer.SECRET).doesNotContain(AwsTestbed.ENCRYPTED);
    }
    assertThat(bed.api.calls()).anySatisfy(c -> assertThat(c.method())
        .isEqualTo("DecryptPassword"));
  }

  @Test
  void badAttributesAreNamedBeforeAnyCall() {
    bed.attributes.put("Hangar Cloud Provider.Region", "Ireland");
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .isInstanceOf(ClientException.class).hasMessageContaining("attribute 'Region'");
    bed.attributes.put("Hangar Cloud Provider.Region", Ec2Peer.REGION);
    bed.attributes.put("Hangar Cloud Provider.Endpoint", "ftp://127.0.0.1/x");
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .isInstanceOf(ClientException.class).hasMessageContaining("attribute 'Endpoint'");
    bed.attributes.put("Hangar Cloud Provider.Endpoint", bed.peer.endpoint());
    bed.attributes.put("Hangar Cloud Provider.Networking type", "L2");
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .isInstanceOf(ClientException.class).hasMessageContaining("L3 only");
    assertThat(bed.peer.wireMock().getAllServeEvents()).isEmpty();
  }

  @Test
  void anUnreachableEndpointIsUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    bed.attributes.put("Hangar Cloud Provider.Endpoint", "http://127.0.0.1:" + port);
    assertThatThrownBy(() -> bed.driver.getInventory(bed.autoload()))
        .isInstanceOfSatisfying(BackendException.class, e ->
            assertThat(e.unavailable()).isTrue())
        .hasMessageContaining("cannot reach EC2 at http://127.0.0.1:" + port)
        .hasMessageContaining("'Endpoint'");
  }
}
