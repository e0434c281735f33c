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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Errors any EC2 makes, on moto (AMI and instance-type validation on): a sandbox CIDR inside
 * 'Networks in use', a Deploy without a prepared sandbox, an AMI or instance type EC2 does not
 * know, power and delete of an instance that is gone. Each fails its own action with a message
 * naming what to fix, and leaves nothing.
 */
class AwsMotoErrorsTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  @Test
  void aSandboxCidrInsideNetworksInUseFailsEachActionNamingTheOverlap() {
    MotoState before = MotoState.read(ec2);
    bed.attributes.put("Hangar Cloud Provider.Networks in use", "192.168.0.0/16, 10.0.0.16/28");
    JsonNode r = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(r).hasSize(4).allSatisfy(x -> assertThat(x.path("success").asBoolean()).isFalse());
    assertThat(result(r, "net").path("errorMessage").asText()).contains(
        "prepareCloudInfra CIDR 10.0.0.0/24 overlaps 10.0.0.16/28",
        "attribute 'Networks in use'");
    assertThat(result(r, "priv").path("errorMessage").asText()).contains(
        "the sandbox network failed", "overlaps 10.0.0.16/28");
    assertThat(bed.moto.recorded()).isEmpty();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();

    // Outside the reserved ranges it prepares.
    bed.attributes.put("Hangar Cloud Provider.Networks in use", "10.0.1.0/24 192.168.0.0/16");
    JsonNode ok = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(ok).allSatisfy(x -> assertThat(x.path("success").asBoolean()).as(x.toString())
        .isTrue());
    assertThat(results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest())).get(0).path("success").asBoolean()).isTrue();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }

  @Test
  void deployWithoutAPreparedSandboxOrAnAmiSaysWhatIsMissing() {
    JsonNode noAmi = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic",
        "subnet-0123456789abcdef0", "0"), deployApp("a", "web", Map.of())),
        CancellationContext.NONE));
    assertThat(result(noAmi, "a").path("errorMessage").asText())
        .contains("attribute 'AWS AMI Id'");
    JsonNode noSubnet = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic",
        "subnet-0123456789abcdef0", "0"), deployApp("a", "web", Map.of("AWS AMI Id",
            AwsSandboxTest.AMI))), CancellationContext.NONE));
    assertThat(result(noSubnet, "a").path("errorMessage").asText())
        .contains("subnet-0123456789abcdef0", "PrepareSandboxInfra");
    JsonNode badTags = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic",
        "subnet-0123456789abcdef0", "0"), deployApp("a", "web", Map.of("AWS AMI Id",
            AwsSandboxTest.AMI, "Custom Tags", "team:qa, novalue"))),
        CancellationContext.NONE));
    assertThat(result(badTags, "a").path("errorMessage").asText())
        .contains("'Custom Tags'", "'novalue' is not key:value");
    assertThat(bed.moto.requests("RunInstances")).isEmpty();
  }

  @Test
  void anAmiOrInstanceTypeEc2DoesNotKnowFailsTheDeployAndLeavesNoInstance() {
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    String pub = result(prepared, "pub").path("subnetId").asText();
    MotoState before = MotoState.read(ec2);
    JsonNode badAmi = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic",
        pub, "0"), deployApp("a", "web", Map.of("AWS AMI Id", "ami-0000000000000dead"))),
        CancellationContext.NONE));
    assertThat(result(badAmi, "a").path("success").asBoolean()).isFalse();
    assertThat(result(badAmi, "a").path("errorMessage").asText())
        .contains("ami-0000000000000dead");
    JsonNode badType = results(bed.driver.deploy(bed.resource(), request(connectSubnet("nic",
        pub, "0"), deployApp("b", "web", Map.of("AWS AMI Id", AwsSandboxTest.AMI,
            "Instance Type", "t3.enormous"))), CancellationContext.NONE));
    assertThat(result(badType, "b").path("success").asBoolean()).isFalse();
    assertThat(result(badType, "b").path("errorMessage").asText()).contains("t3.enormous");
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
    bed.driver.cleanupSandboxInfra(bed.resource(), AwsTestbed.cleanupRequest());
  }

  @Test
  void powerAndDeleteOfAnInstanceThatIsGone() {
    var gone = bed.remote("web", "i-0123456789abcdef0");
    bed.driver.powerOff(gone);
    bed.driver.deleteInstance(gone);
    assertThatThrownBy(() -> bed.driver.powerOn(gone)).isInstanceOf(BackendException.class)
        .hasMessageContaining("i-0123456789abcdef0 of app 'web' no longer exists");
  }
}
