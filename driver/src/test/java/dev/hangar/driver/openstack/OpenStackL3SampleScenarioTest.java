package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.embedded.PrivateOpenStack;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.OpenStackStacks;
import dev.hangar.replay.InProcessTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.testing.Samples;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

/**
 * {@code hangar replay samples/scenarios/openstack-l3-sandbox.json --set keystoneUrl=...}: the
 * L3 sample sandbox (the AWS L3 sample's steps) on the real stack passes every step, and the
 * project holds exactly what it held before (servers, ports, networks, subnets, routers,
 * floating IPs, key pairs, security groups).
 */
class OpenStackL3SampleScenarioTest {
  @Test
  void theL3SampleSandboxPassesAndLeavesNothing() throws Exception {
    PrivateOpenStack stack = OpenStackStacks.forTest();
    OpenStackSeed.shared(stack);
    OSClientV3 os = OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
    Map<String, TreeSet<String>> before = OpenStackL3Test.state(os);
    String sandbox = "sample-l3-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
        .nextInt());
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios")
        .resolve("openstack-l3-sandbox.json"));
    InProcessTransport t = new InProcessTransport(BackendRegistry.empty().register(
        new OpenStackBackendProvider(OpenStackTestbed.FAST)),
        Map.of("b3BlbnN0YWNrLXNhbXBsZQ==", PrivateOpenStack.PASSWORD), null);
    ScenarioRunner.Report r = new ScenarioRunner(t).run(s, Map.of(
        "keystoneUrl", stack.keystoneUrl(), "osManagementNetwork", OpenStackSeed.MANAGEMENT,
        "osImage", OpenStackSeed.IMAGE, "osFlavor", OpenStackSeed.FLAVOR,
        "osExternalNetwork", OpenStackSeed.EXTERNAL, "reservationId", sandbox), x -> { });
    assertThat(r.steps()).hasSize(12).allSatisfy(step -> assertThat(step.failures())
        .as(step.name()).isEmpty());
    assertThat(OpenStackL3Test.state(os)).isEqualTo(before);
  }
}
