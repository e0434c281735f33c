package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * DeleteInstance on moto, with and without Deploy's deployedAppAdditionalData handed back as
 * vmCustomParams: with it, the Elastic IP Deploy attached is released without a lookup (and an
 * app that had none costs no lookup); without it, the address is found by its tag. Either way
 * the address and the instance are gone, a second Delete of the gone app succeeds, and Cleanup
 * leaves moto as it was.
 */
class AwsDeleteTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());
  private MotoState before;
  private String pub;

  @BeforeEach
  void prepare() {
    before = MotoState.read(ec2);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    pub = result(prepared, "pub").path("subnetId").asText();
  }

  @AfterEach
  void stop() {
    try {
      JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
          AwsTestbed.cleanupRequest()));
      assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
      assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
    } finally {
      ec2.close();
      bed.close();
    }
  }

  private JsonNode deploy(String action, String app, String publicIp) {
    JsonNode r = result(results(bed.driver.deploy(bed.resource(), request(
        connectSubnet(action + "-nic", pub, "0"), deployApp(action, app, Map.of(
            "AWS AMI Id", AwsSandboxTest.AMI, "Public IP Options", publicIp))),
        CancellationContext.NONE)), action);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  private int lookups() {
    return bed.moto.requests("DescribeAddresses").size();
  }

  @Test
  void withDeploysAdditionalDataTheElasticIpIsReleasedWithoutALookup() {
    JsonNode web = deploy("web-1", "web", "Elastic IP");
    String id = web.path("vmUuid").asText();
    var eip = ec2.describeAddresses().addresses().get(0);
    JsonNode extra = web.path("deployedAppAdditionalData");
    assertThat(extra.path(ElasticIps.ALLOCATION).asText()).isEqualTo(eip.allocationId());
    assertThat(extra.path(ElasticIps.ASSOCIATION).asText()).isEqualTo(eip.associationId());

    int lookups = lookups();
    bed.driver.deleteInstance(bed.remote("web", web));
    assertThat(lookups()).as("DescribeAddresses calls").isEqualTo(lookups);
    assertThat(ec2.describeAddresses().addresses()).isEmpty();
    assertThat(MotoState.read(ec2).ids().get("instances")).doesNotContain(id);

    // The app is gone, and so are its address and association: a second Delete succeeds.
    bed.driver.deleteInstance(bed.remote("web", web));
    assertThat(lookups()).isEqualTo(lookups);
  }

  @Test
  void anAppWithoutAnElasticIpCostsNoLookup() {
    JsonNode web = deploy("web-1", "web", "Public IP");
    assertThat(web.path("deployedAppAdditionalData").path(ElasticIps.ALLOCATION).isTextual())
        .isTrue();
    assertThat(web.path("deployedAppAdditionalData").path(ElasticIps.ALLOCATION).asText())
        .isEmpty();
    int lookups = lookups();
    bed.driver.deleteInstance(bed.remote("web", web));
    assertThat(lookups()).isEqualTo(lookups);
    assertThat(MotoState.read(ec2).ids().get("instances"))
        .doesNotContain(web.path("vmUuid").asText());
  }

  @Test
  void withoutTheAdditionalDataTheElasticIpIsFoundByItsTag() {
    JsonNode web = deploy("web-1", "web", "Elastic IP");
    String id = web.path("vmUuid").asText();
    int lookups = lookups();
    bed.driver.deleteInstance(bed.remote("web", id));
    assertThat(lookups()).isEqualTo(lookups + 1);
    assertThat(ec2.describeAddresses().addresses()).isEmpty();
    assertThat(MotoState.read(ec2).ids().get("instances")).doesNotContain(id);
    bed.driver.deleteInstance(bed.remote("web", id));
  }
}
