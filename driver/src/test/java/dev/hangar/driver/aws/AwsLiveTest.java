package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A real sandbox on real AWS: runs only when {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY} and {@code HANGAR_AWS_AMI} (an AMI of {@code AWS_REGION},
 * default us-east-1) are in the environment, and is skipped with that reason otherwise. It
 * prepares a VPC, deploys one t3.micro, reads its details, deletes it and cleans up, and cleans
 * up even when a step fails. It costs a few cents.
 */
class AwsLiveTest {
  @Test
  void aRealSandboxIsCreatedAndDestroyed() {
    String keyId = System.getenv("AWS_ACCESS_KEY_ID");
    String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
    String ami = System.getenv("HANGAR_AWS_AMI");
    assumeTrue(keyId != null && secret != null && ami != null, "no AWS credentials in the"
        + " environment: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and HANGAR_AWS_AMI"
        + " (and AWS_REGION) to run the live test");
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
    String sandbox = "hangar-live-" + UUID.randomUUID().toString().substring(0, 8);
    RecordingOrchestratorApi api = new RecordingOrchestratorApi(Map.of("enc", secret), null);
    CloudProviderDriver driver = new CloudProviderDriver(BackendRegistry.empty().register(
        new AwsBackendProvider()), c -> api);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Cloud Type", "AWS");
    attrs.put("Networking type", "L3");
    attrs.put("Region", region);
    attrs.put("AWS Access Key ID", keyId);
    attrs.put("AWS Secret Access Key", "enc");
    WireCodec codec = WireCodec.standard();
    ResourceCommandContext ctx = codec.read("{\"connectivity\":{\"server_address\":"
        + "\"127.0.0.1\"},\"resource\":{\"name\":\"live\",\"model\":\"Hangar Cloud Provider\","
        + "\"attributes\":" + codec.write(attrs) + "},\"reservation\":{\"reservation_id\":\""
        + sandbox + "\",\"owner_user\":\"hangar-live-test\"}}", ResourceCommandContext.class);
    try {
      JsonNode prepared = results(driver.prepareSandboxInfra(ctx, AwsTestbed.prepareRequest(),
          CancellationContext.NONE));
      assertThat(prepared).allSatisfy(r -> assertThat(r.path("success").asBoolean())
          .as(r.toString()).isTrue());
      JsonNode deployed = results(driver.deploy(ctx, request(connectSubnet("nic",
          result(prepared, "pub").path("subnetId").asText(), "0"), deployApp("live-1", "live",
              Map.of("AWS AMI Id", ami, "Public IP Options", "Public IP"))),
          CancellationContext.NONE));
      JsonNode app = result(deployed, "live-1");
      assertThat(app.path("success").asBoolean()).as(app.toString()).isTrue();
      assertThat(app.path("deployedAppAddress").asText()).startsWith("10.0.0.");
      String id = app.path("vmUuid").asText();
      String details = driver.getVmDetails(ctx, AwsSandboxTest.detailsRequest(Map.of("live",
          id)), CancellationContext.NONE);
      assertThat(details).contains(ami);
    } finally {
      JsonNode cleaned = results(driver.cleanupSandboxInfra(ctx, AwsTestbed.cleanupRequest()));
      assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
    }
  }
}
