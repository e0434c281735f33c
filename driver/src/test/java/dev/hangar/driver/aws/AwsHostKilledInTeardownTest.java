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
import dev.hangar.driver.Command;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostPort;
import dev.hangar.host.ServeChild;
import dev.hangar.testing.ProgressHold;
import dev.hangar.testing.ProgressHookApi;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Issue 23's orphan on the EC2 peer: a sandbox host (a child JVM running {@code hangar serve})
 * is killed with SIGKILL in the middle of CleanupSandboxInfra, after one app was deleted and
 * while the other and the whole network are still there. Once the sandbox has expired the reaper
 * removes what is left, whole, and leaves an object without Hangar's marks alone.
 */
class AwsHostKilledInTeardownTest {
  private static final Duration CALL = Duration.ofSeconds(120);

  @Test
  void aSandboxWhoseHostDiedMidCleanupIsReapedWholeAndNothingElse(@TempDir Path dir)
      throws Exception {
    AwsTestbed bed = AwsTestbed.onMoto();
    bed.attributes.put("Hangar Cloud Provider.Sandbox Lifetime", "1");
    Ec2Client ec2 = MotoState.client(bed.endpoint());
    String stranger = ec2.createVpc(q -> q.cidrBlock("10.99.0.0/16")).vpc().vpcId();
    MotoState before = MotoState.read(ec2);
    // Holds Cleanup at its first step, "terminating N instance(s) left in the sandbox".
    ProgressHold hold = new ProgressHold("terminating", Duration.ofSeconds(60));
    Process serve = ServeChild.start(dir);
    try (CallbackServer callbacks = CallbackServer.start(new HostPort("127.0.0.1", 0),
            new ProgressHookApi(bed.api, hold));
        HostClient client = HostClient.connect(ServeChild.servingOn(serve), ServeChild.token(),
            ClientTls.PLAINTEXT)) {
      ObjectNode provider = AwsTestbed.CODEC.mapper().valueToTree(bed.resource());
      callbacks.expose(provider);
      JsonNode prepared = results(client.call(Command.PREPARE_SANDBOX_INFRA, provider,
          AwsTestbed.prepareRequest(), CALL));
      String pub = result(prepared, "pub").path("subnetId").asText();
      JsonNode[] apps = new JsonNode[2];
      for (int i = 0; i < 2; i++) {
        String action = "killed-app" + i;
        apps[i] = result(results(client.call(Command.DEPLOY, provider, request(
            connectSubnet(action + "-nic", pub, "0"), deployApp(action, "app" + i, Map.of(
                "AWS AMI Id", AwsSandboxTest.AMI))), CALL)), action);
        assertThat(apps[i].path("success").asBoolean()).as(apps[i].toString()).isTrue();
      }
      ObjectNode first = AwsTestbed.CODEC.mapper().valueToTree(bed.remote("app0", apps[0]));
      callbacks.expose(first);
      client.call(Command.DELETE_INSTANCE, first, null, CALL);

      CompletableFuture<String> cleanup = CompletableFuture.supplyAsync(() -> client.call(
          Command.CLEANUP_SANDBOX_INFRA, provider, AwsTestbed.cleanupRequest(), CALL));
      assertThat(hold.reached().await(60, TimeUnit.SECONDS)).as("Cleanup reached its first"
          + " step").isTrue();
      serve.destroyForcibly();
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(cleanup).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
          .havingCause().isInstanceOfSatisfying(StatusRuntimeException.class, e ->
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      hold.release();
      MotoState orphaned = MotoState.read(ec2);
      assertThat(orphaned).as("the dead host left the sandbox half torn down")
          .isNotEqualTo(before);

      SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
          new AwsBackendProvider(AwsTestbed.FAST)), c -> bed.api);
      String reaperContext = bed.providerContext();
      ReapReport early = reaping.reap(reaperContext, false, Instant.now(),
          CancellationContext.NONE);
      assertThat(early.lines()).as("not expired yet").isEmpty();
      assertThat(MotoState.read(ec2)).isEqualTo(orphaned);

      ReapReport done = reaping.reap(reaperContext, false,
          Instant.now().plus(Duration.ofHours(2)), CancellationContext.NONE);
      assertThat(done.clean()).as(done.lines().toString()).isTrue();
      assertThat(done.lines()).extracting(ReapReport.Line::id)
          .contains(apps[1].path("vmUuid").asText()).doesNotContain(stranger);
      assertThat(MotoState.read(ec2)).as("removed whole; the unmarked VPC kept")
          .isEqualTo(before);
    } finally {
      hold.release();
      serve.destroyForcibly();
      ec2.close();
      bed.close();
    }
  }
}
