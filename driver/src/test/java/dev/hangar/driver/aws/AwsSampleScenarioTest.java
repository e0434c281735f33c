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
 * {@code hangar replay samples/scenarios/l3-sandbox.json --set awsEndpoint=... --set ami=...}:
 * the sample sandbox, as an orchestrator replays it, on the real AWS backend against moto,
 * leaves moto as it was.
 */
class AwsSampleScenarioTest {
  @Test
  void theL3SampleSandboxPassesOnTheAwsBackend() throws Exception {
    MotoServer moto = MotoServer.shared();
    try (var ec2 = MotoState.client(moto.endpoint())) {
      MotoState before = MotoState.read(ec2);
      Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios")
          .resolve("l3-sandbox.json"));
      InProcessTransport t = new InProcessTransport(BackendRegistry.empty().register(
          new AwsBackendProvider(AwsTestbed.FAST)), s.passwords(), null);
      ScenarioRunner.Report r = new ScenarioRunner(t).run(s,
          Map.of("awsEndpoint", moto.endpoint(), "ami", AwsSandboxTest.AMI), x -> { });
      assertThat(r.steps()).allSatisfy(step -> assertThat(step.failures()).as(step.name())
          .isEmpty());
      assertThat(moto.recorded()).extracting(QueryForm::action).contains("CreateVpc",
          "RunInstances", "AuthorizeSecurityGroupIngress", "TerminateInstances", "DeleteVpc");
      assertThat(MotoState.read(ec2).addedSince(before)).isEmpty();
    }
  }
}
