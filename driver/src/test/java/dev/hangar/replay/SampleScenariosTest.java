package dev.hangar.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.Samples;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sample scenarios are well-formed: against a cloud that keeps the SPI's promises, every
 * step passes; without a backend, every step fails with the reason.
 */
class SampleScenariosTest {
  private ScenarioRunner.Report replay(String file, BackendRegistry registry) throws Exception {
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios").resolve(file));
    InProcessTransport t = new InProcessTransport(registry, s.passwords(), null);
    return new ScenarioRunner(t).run(s, Map.of(), r -> { });
  }

  @Test
  void wholeL2SandboxPassesOnACloudThatKeepsTheSpiPromises() throws Exception {
    InMemoryCloud kvm = InMemoryCloud.kvm();
    ScenarioRunner.Report r = replay("l2-sandbox.json", BackendRegistry.empty().register(kvm));
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.failures()).as(s.name()).isEmpty());
    assertThat(kvm.vms()).isEmpty();
    assertThat(kvm.log()).contains("deploy web", "deploy db", "applyVlans 2");
  }

  @Test
  void wholeL3SandboxPassesOnACloudThatKeepsTheSpiPromises() throws Exception {
    InMemoryCloud aws = InMemoryCloud.aws();
    ScenarioRunner.Report r = replay("l3-sandbox.json", BackendRegistry.empty().register(aws));
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.failures()).as(s.name()).isEmpty());
    assertThat(aws.vms()).isEmpty();
  }

  @Test
  void withoutBackendsEveryStepFailsWithTheReason() throws Exception {
    ScenarioRunner.Report r = replay("l3-sandbox.json", BackendRegistry.empty());
    assertThat(r.passed()).isZero();
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.failures()).as(s.name())
        .anySatisfy(f -> assertThat(f).contains("no backend for Cloud Type 'AWS'")));
  }

  @Test
  void aStepThatBreaksAnExpectationSaysWhat() throws Exception {
    InMemoryCloud kvm = InMemoryCloud.kvm();
    kvm.failNext("deploy", dev.hangar.driver.BackendException.failed("pool 'default' is full",
        null));
    ScenarioRunner.Report r = replay("l2-sandbox.json", BackendRegistry.empty().register(kvm));
    ScenarioRunner.StepReport deploy = r.steps().get(1);
    assertThat(deploy.passed()).isFalse();
    assertThat(deploy.failures()).anySatisfy(f -> assertThat(f)
        .contains("result a1b2c3d4-0001-4000-8000-000000000001.success = false, expected true")
        .contains("(error: pool 'default' is full)"));
    assertThat(deploy.failures()).anySatisfy(f -> assertThat(f).contains("nothing to save as"
        + " webUuid"));
  }
}
