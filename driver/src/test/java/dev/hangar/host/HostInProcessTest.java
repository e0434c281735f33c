package dev.hangar.host;

import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.replay.HostTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.LogCapture;
import dev.hangar.testing.Samples;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host over the in-process transport (the callbacks still go over loopback, as the host
 * calls whatever address a context names): every command, status codes, log lines, callbacks.
 */
class HostInProcessTest {
  private final InMemoryCloud kvm = InMemoryCloud.kvm();
  private final InMemoryCloud aws = InMemoryCloud.aws();
  private SandboxHost host;
  private HostClient client;
  private HostTesting.Orchestrator orchestrator;

  @BeforeEach
  void start() throws Exception {
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN));
    orchestrator = HostTesting.Orchestrator.start();
  }

  private void start(HostConfig config) throws Exception {
    String name = InProcessServerBuilder.generateName();
    host = SandboxHost.start(InProcessServerBuilder.forName(name), config,
        BackendRegistry.empty().register(kvm).register(aws));
    client = new HostClient(InProcessChannelBuilder.forName(name).build(), TOKEN);
  }

  @AfterEach
  void stop() {
    client.close();
    host.close();
    orchestrator.close();
  }

  private ScenarioRunner.Report replay(String file) throws Exception {
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios").resolve(file));
    try (HostTransport t = HostTransport.start(client, HostTesting.LOOPBACK, s.passwords(), null,
        null)) {
      return new ScenarioRunner(t).run(s, Map.of(), r -> { });
    }
  }

  @Test
  void theSampleSandboxesPassThroughTheHostWithTheirCallbacks() throws Exception {
    ScenarioRunner.Report l2 = replay("l2-sandbox.json");
    ScenarioRunner.Report l3 = replay("l3-sandbox.json");

    assertThat(l2.steps()).allSatisfy(s -> assertThat(s.failures()).as(s.name()).isEmpty());
    assertThat(l3.steps()).allSatisfy(s -> assertThat(s.failures()).as(s.name()).isEmpty());
    assertThat(kvm.vms()).isEmpty();
    assertThat(aws.vms()).isEmpty();
    assertThat(kvm.log()).contains("deploy web", "deploy db", "applyVlans 2");
    assertThat(aws.log()).contains("prepare 2", "cleanup", "securityGroups 1");
  }

  @Test
  void whatACommandRaisedBecomesACanonicalStatusWithItsReasonOnly() throws Exception {
    ObjectNode web = orchestrator.expose(HostTesting.remoteContext(Contexts.kvmAttributes(),
        "web", "uid-1"));
    kvm.failNext("powerOn", BackendException.unavailable("hypervisor qemu+ssh://hv1 does not"
        + " answer", null));
    assertThat(status(() -> client.call(Command.POWER_ON, web, null, null)))
        .returns(Status.Code.UNAVAILABLE, Status::getCode)
        .returns("hypervisor qemu+ssh://hv1 does not answer", Status::getDescription);
    kvm.failNext("powerOff", BackendException.failed("domain web is locked", null));
    assertThat(status(() -> client.call(Command.POWER_OFF, web, null, null)).getCode())
        .isEqualTo(Status.Code.INTERNAL);
    kvm.failNext("delete", new IllegalStateException("bug while holding " + Contexts.TOKEN));
    Status bug = status(() -> client.call(Command.DELETE_INSTANCE, web, null, null));
    assertThat(bug.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(bug.getDescription()).startsWith("internal error (IllegalStateException)")
        .doesNotContain(Contexts.TOKEN).doesNotContain("\tat ").doesNotContain(".java:");

    ((ObjectNode) web.get("remote_endpoints").get(0).get("app_context"))
        .put("deployed_app_json", "{\"name\": \"web\", ");
    Status bad = status(() -> client.call(Command.POWER_ON, web, null, null));
    assertThat(bad.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(bad.getDescription()).startsWith("context of PowerOn: ")
        .contains("app_context.deployed_app_json");
  }

  @Test
  void eachCommandLogsOneLineWithoutSecrets() throws Exception {
    ObjectNode ctx = orchestrator.expose(HostTesting.resourceContext(Contexts.kvmAttributes()));
    String request = Contexts.request(
        Contexts.deployApp("a1", "web", "Hangar Cloud Provider.KVM VM From Template"),
        "{\"type\":\"connectSubnet\",\"actionId\":\"a2\",\"actionParams\":{\"subnetId\":\"s\"}}");
    try (LogCapture logs = new LogCapture()) {
      client.call(Command.DEPLOY, ctx, request, null);
      status(() -> client.call(Command.GET_VM_DETAILS, ctx, "", null));

      // The host answers first, then logs: the line may come just after the answer.
      HostTesting.eventually("both lines", () -> hostLines(logs).size() == 2);
      List<String> lines = hostLines(logs);
      assertThat(lines.get(0)).matches("reservation=res-1 command=Deploy actions=2"
          + " duration_ms=\\d+ outcome=OK");
      assertThat(lines.get(1)).matches("reservation=res-1 command=GetVmDetails actions=0"
          + " duration_ms=\\d+ outcome=INVALID_ARGUMENT: GetVmDetails needs a request");
      assertThat(logs.text()).doesNotContain(Contexts.TOKEN)
          .doesNotContain(HostTesting.HOST_TOKEN);
    }
  }

  private static List<String> hostLines(LogCapture logs) {
    return logs.events().stream().filter(e -> e.getLoggerName().equals("dev.hangar.host"))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void callbacksGoToTheContextsAddressWithItsToken() throws Exception {
    ObjectNode app = orchestrator.expose(HostTesting.remoteContext(Contexts.kvmAttributes(),
        "app", deployedUid()));
    client.call(Command.REMOTE_REFRESH_IP, app, null, null);
    assertThat(orchestrator.api().calls()).extracting(c -> c.method() + c.args())
        .contains("UpdateResourceAddress[app, 10.0.0.10]",
            "SetAttributeValue[app, Public IP, 203.0.113.7]");

    ((ObjectNode) app.get("connectivity")).put("admin_auth_token", "not-this-sandboxes-token");
    Status refused = status(() -> client.call(Command.REMOTE_REFRESH_IP, app, null, null));
    assertThat(refused.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(refused.getDescription()).contains("refused the context's admin_auth_token")
        .doesNotContain("not-this-sandboxes-token");

    HostPort gone;
    try (HostTesting.Orchestrator other = HostTesting.Orchestrator.start()) {
      other.expose(app);
      gone = other.callbacks().address();
    }
    Status unreachable = status(() -> client.call(Command.REMOTE_REFRESH_IP, app, null, null));
    assertThat(unreachable.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(unreachable.getDescription()).isEqualTo("the orchestrator API at 127.0.0.1:"
        + gone.port() + " did not answer UpdateResourceAddress (UNAVAILABLE)");
  }

  private String deployedUid() throws Exception {
    ObjectNode ctx = orchestrator.expose(HostTesting.resourceContext(Contexts.kvmAttributes()));
    client.call(Command.DEPLOY, ctx, Contexts.request(Contexts.deployApp("d1", "app",
        "Hangar Cloud Provider.KVM VM From Kernel")), null);
    return kvm.vms().keySet().iterator().next();
  }

  @Test
  void theDeploysOfASandboxRunInParallelUpToTheBound() throws Exception {
    client.close();
    host.close();
    start(HostConfig.of(HostTesting.LOOPBACK, TOKEN).withLimits(3, 20));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    kvm.onOpen(scope -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
    });
    ExecutorService orchestratorThreads = Executors.newFixedThreadPool(9);
    try {
      List<Future<String>> deploys = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        String request = Contexts.request(Contexts.deployApp("p" + i, "app" + i,
            "Hangar Cloud Provider.KVM VM From Kernel"));
        ObjectNode ctx = orchestrator.expose(HostTesting.resourceContext(
            Contexts.kvmAttributes()));
        deploys.add(orchestratorThreads.submit(() -> client.call(Command.DEPLOY, ctx, request,
            null)));
      }
      for (Future<String> d : deploys) {
        assertThat(d.get()).contains("\"success\":true");
      }
    } finally {
      orchestratorThreads.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(3);
    assertThat(kvm.vms()).hasSize(9);
  }

  static Status status(ThrowingCall call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call returned");
  }

  /** A call expected to fail with a status. */
  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aContextOfTheWrongShapeIsRefusedBeforeTheCall() {
    ObjectNode ctx = HostTesting.resourceContext(Contexts.kvmAttributes());
    ctx.put("resource", "hangar-kvm");
    assertThatThrownBy(() -> client.call(Command.DEPLOY, ctx, "{}", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context.resource must be a JSON object");
  }
}
