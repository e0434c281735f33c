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
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.compute.Server;
import org.openstack4j.openstack.OSFactory;

/**
 * {@code hangar replay samples/scenarios/openstack-l2-sandbox.json --set keystoneUrl=...}: the
 * L2 sample sandbox (the KVM sample's shape) on the real stack, as an orchestrator replays it,
 * passes every step and leaves no server and no VLAN network behind.
 */
class OpenStackSampleScenarioTest {
  @Test
  void theL2SampleSandboxPassesOnTheRealStack() throws Exception {
    PrivateOpenStack stack = OpenStackStacks.forTest();
    OpenStackSeed.shared(stack);
    String sandbox = "sample-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
        .nextInt());
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios")
        .resolve("openstack-l2-sandbox.json"));
    InProcessTransport t = new InProcessTransport(BackendRegistry.empty().register(
        new OpenStackBackendProvider(OpenStackTestbed.FAST)),
        Map.of("b3BlbnN0YWNrLXNhbXBsZQ==", PrivateOpenStack.PASSWORD), null);
    ScenarioRunner.Report r = new ScenarioRunner(t).run(s, Map.of(
        "keystoneUrl", stack.keystoneUrl(), "osManagementNetwork", OpenStackSeed.MANAGEMENT,
        "osImage", OpenStackSeed.IMAGE, "osFlavor", OpenStackSeed.FLAVOR,
        "osExternalNetwork", OpenStackSeed.EXTERNAL, "reservationId", sandbox), x -> { });
    assertThat(r.steps()).allSatisfy(step -> assertThat(step.failures()).as(step.name())
        .isEmpty());
    OSClientV3 os = OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
    // Nova may list a deleted server, status DELETED, for a moment after its delete.
    assertThat(os.compute().servers().list()).noneMatch(x -> sandbox.equals(
        x.getMetadata().get(Marks.SANDBOX)) && x.getStatus() != Server.Status.DELETED);
    assertThat(os.networking().network().list(Map.of("name", Marks.vlanNetwork(sandbox, 10))))
        .isEmpty();
  }
}
