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
import org.openstack4j.model.compute.Server;
import org.openstack4j.openstack.OSFactory;

/**
 * {@code hangar replay samples/scenarios/openstack-l2-sandbox.json --set keystoneUrl=...} and
 * its L3 sibling, on the real stack as an orchestrator replays them: every step passes, and
 * nothing of the sandbox is left.
 */
class OpenStackSampleScenarioTest {
  /** The L2 sample sandbox (the KVM sample's shape): no server and no VLAN network left. */
  @Test
  void theL2SampleSandboxPassesOnTheRealStack() throws Exception {
    PrivateOpenStack stack = seededStack();
    String sandbox = sandbox("sample-");
    ScenarioRunner.Report r = replay(stack, "openstack-l2-sandbox.json", sandbox);
    assertThat(r.steps()).allSatisfy(step -> assertThat(step.failures()).as(step.name())
        .isEmpty());
    OSClientV3 os = admin(stack);
    // Nova may list a deleted server, status DELETED, for a moment after its delete.
    assertThat(os.compute().servers().list()).noneMatch(x -> sandbox.equals(
        x.getMetadata().get(Marks.SANDBOX)) && x.getStatus() != Server.Status.DELETED);
    assertThat(os.networking().network().list(Map.of("name", Marks.vlanNetwork(sandbox, 10))))
        .isEmpty();
  }

  /**
   * The L3 sample sandbox (the AWS L3 sample's steps): the project holds exactly what it held
   * before (servers, ports, networks, subnets, routers, floating IPs, key pairs, security groups).
   */
  @Test
  void theL3SampleSandboxPassesAndLeavesNothing() throws Exception {
    PrivateOpenStack stack = seededStack();
    OSClientV3 os = admin(stack);
    Map<String, TreeSet<String>> before = OpenStackL3Test.state(os);
    ScenarioRunner.Report r = replay(stack, "openstack-l3-sandbox.json", sandbox("sample-l3-"));
    assertThat(r.steps()).hasSize(12).allSatisfy(step -> assertThat(step.failures())
        .as(step.name()).isEmpty());
    assertThat(OpenStackL3Test.state(os)).isEqualTo(before);
  }

  /** The shared stack with the admin's side of the cloud (made once, before any "before"). */
  private static PrivateOpenStack seededStack() throws Exception {
    PrivateOpenStack stack = OpenStackStacks.forTest();
    OpenStackSeed.shared(stack);
    return stack;
  }

  private static String sandbox(String prefix) {
    return prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }

  private static ScenarioRunner.Report replay(PrivateOpenStack stack, String file,
      String sandbox) throws Exception {
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios").resolve(file));
    InProcessTransport t = new InProcessTransport(BackendRegistry.empty().register(
        new OpenStackBackendProvider(OpenStackTestbed.FAST)),
        Map.of("b3BlbnN0YWNrLXNhbXBsZQ==", PrivateOpenStack.PASSWORD), null);
    return new ScenarioRunner(t).run(s, Map.of(
        "keystoneUrl", stack.keystoneUrl(), "osManagementNetwork", OpenStackSeed.MANAGEMENT,
        "osImage", OpenStackSeed.IMAGE, "osFlavor", OpenStackSeed.FLAVOR,
        "osExternalNetwork", OpenStackSeed.EXTERNAL, "reservationId", sandbox), x -> { });
  }

  private static OSClientV3 admin(PrivateOpenStack stack) {
    return OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
  }
}
