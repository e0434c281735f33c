package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * A prepared L3 sandbox on moto for the tests of the commands beyond the standard: apps deployed
 * through the driver, the AWS backend opened through its provider (as the driver opens it), and
 * at the end every app deleted and the sandbox cleaned up through the driver, with moto's whole
 * state checked to be what it was before.
 */
final class AwsAppFixture implements AutoCloseable {
  final AwsTestbed bed = AwsTestbed.onMoto();
  final Ec2Client ec2 = MotoState.client(bed.endpoint());
  final MotoState before = MotoState.read(ec2);
  final String subnet;
  private final List<JsonNode> deployed = new ArrayList<>();
  private final List<Backend> opened = new ArrayList<>();

  AwsAppFixture() {
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    subnet = result(prepared, "pub").path("subnetId").asText();
  }

  /** Deploys an app (t3.micro unless the attributes say) and returns its DeployApp result. */
  JsonNode deploy(String action, String app, Map<String, String> attributes) {
    Map<String, String> attrs = new LinkedHashMap<>(Map.of("AWS AMI Id", AwsSandboxTest.AMI));
    attrs.putAll(attributes);
    JsonNode r = result(results(bed.driver.deploy(bed.resource(), request(
        connectSubnet(action + "-nic", subnet, "0"), deployApp(action, app, attrs)),
        CancellationContext.NONE)), action);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    deployed.add(r);
    return r;
  }

  static DeployedVm vm(String app, JsonNode deployed) {
    return new DeployedVm(app, deployed.path("vmUuid").asText(), null, null);
  }

  /** The AWS backend, opened through its provider for one command. */
  Backend open(String command) {
    Backend b = new AwsBackendProvider(AwsTestbed.FAST).open(provider(), scope(command));
    opened.add(b);
    return b;
  }

  ProviderResource provider() {
    return new ProviderResource("hangar-aws", "Hangar Cloud Provider", bed.attributes);
  }

  CommandScope scope(String command) {
    return new CommandScope(command, bed.resource().sandbox(), bed.api,
        CancellationContext.NONE, new SecretRedactor());
  }

  Instance instance(String id) {
    return ec2.describeInstances(q -> q.instanceIds(id)).reservations().get(0).instances()
        .get(0);
  }

  void powerOff(String app, JsonNode deployed) {
    bed.driver.powerOff(bed.remote(app, deployed));
  }

  /** Deletes the apps, cleans the sandbox up, and checks that moto holds nothing new. */
  @Override
  public void close() {
    try {
      opened.forEach(Backend::close);
      for (JsonNode d : deployed) {
        bed.driver.deleteInstance(bed.remote(d.path("vmName").asText(), d));
      }
      JsonNode cleaned = results(bed.driver.cleanupSandboxInfra(bed.resource(),
          AwsTestbed.cleanupRequest()));
      assertThat(cleaned.get(0).path("success").asBoolean()).as(cleaned.toString()).isTrue();
      assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
    } finally {
      ec2.close();
      bed.close();
    }
  }
}
