package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * createKeys of a PrepareSandboxInfra that makes the sandbox's VPC, on moto: it creates the key
 * pair without looking for one first; a pair left over from an earlier run (one a failed
 * Cleanup kept, say) makes EC2 answer "duplicate", and the pair is then replaced as on a
 * repeated Prepare.
 */
class AwsPrepareKeysTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  private JsonNode prepare() {
    JsonNode r = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    assertThat(r).allSatisfy(x -> assertThat(x.path("success").asBoolean()).as(x.toString())
        .isTrue());
    return result(r, "keys");
  }

  private void cleanup() {
    JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest()));
    assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
  }

  @Test
  void aNewSandboxCreatesItsKeyPairWithoutALookup() {
    MotoState before = MotoState.read(ec2);
    JsonNode keys = prepare();
    assertThat(keys.path("infoMessage").asText()).startsWith("created key pair");
    assertThat(keys.path("accessKey").asText()).contains("PRIVATE KEY-----");
    assertThat(bed.moto.requests("DescribeKeyPairs")).isEmpty();
    cleanup();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }

  @Test
  void aKeyPairLeftOverFromAnEarlierRunIsReplaced() {
    MotoState before = MotoState.read(ec2);
    String name = SandboxKeys.keyName(AwsTestbed.SANDBOX);
    String old = ec2.createKeyPair(q -> q.keyName(name)).keyFingerprint();
    JsonNode keys = prepare();
    assertThat(keys.path("infoMessage").asText()).startsWith("replaced key pair " + name);
    assertThat(keys.path("accessKey").asText()).contains("PRIVATE KEY-----");
    assertThat(ec2.describeKeyPairs().keyPairs()).singleElement().satisfies(k -> {
      assertThat(k.keyName()).isEqualTo(name);
      assertThat(k.keyFingerprint()).isNotEqualTo(old);
    });
    cleanup();
    assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
  }
}
