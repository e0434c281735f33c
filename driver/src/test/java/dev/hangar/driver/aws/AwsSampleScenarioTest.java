package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.replay.InProcessTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.testing.Samples;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar replay samples/scenarios/l3-sandbox.json --set awsEndpoint=...}: the sample
 * sandbox, as an orchestrator replays it, on the real AWS backend against the EC2 peer (which
 * takes the samples' access key id), leaves nothing behind.
 */
class AwsSampleScenarioTest {
  static final String SAMPLE_KEY_ID = "AKIAEXAMPLEEXAMPLE00";

  @Test
  void theL3SampleSandboxPassesOnTheAwsBackend() throws Exception {
    try (Ec2Peer peer = new Ec2Peer(SAMPLE_KEY_ID)) {
      Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios")
          .resolve("l3-sandbox.json"));
      InProcessTransport t = new InProcessTransport(BackendRegistry.empty().register(
          new AwsBackendProvider(AwsTestbed.FAST)), s.passwords(), null);
      ScenarioRunner.Report r = new ScenarioRunner(t).run(s,
          Map.of("awsEndpoint", peer.endpoint()), x -> { });
      assertThat(r.steps()).allSatisfy(step -> assertThat(step.failures()).as(step.name())
          .isEmpty());
      assertThat(peer.model().actions()).contains("CreateVpc", "RunInstances",
          "AuthorizeSecurityGroupIngress", "TerminateInstances", "DeleteVpc");
      assertThat(peer.model().live()).isEmpty();
    }
  }
}
