package dev.hangar.host;

import static dev.hangar.host.HostInProcessTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.driver.Command;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.LogCapture;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller that gives up reaches the Deploy through the host, on a KVM cloud (libvirt test
 * driver, real ovsdb-server, real clock): the VM, its disks and ports are rolled back.
 */
class HostCancellationTest {
  private static KvmCloudFixture cloud;
  private static SandboxHost host;
  private static HostClient client;
  private static HostTesting.Orchestrator orchestrator;
  private static final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() throws Exception {
    cloud = new KvmCloudFixture(Duration.ofMillis(50));
    host = HostTesting.loopbackHost(BackendRegistry.empty().register(cloud.provider()));
    client = HostTesting.client(host);
    orchestrator = HostTesting.Orchestrator.start();
    // Connects to libvirt and OVSDB once, so that no test's deadline pays for first contact.
    ObjectNode provider = HostTesting.resourceContext(cloud.providerAttributes());
    provider.remove("reservation");
    client.call(Command.GET_INVENTORY, orchestrator.expose(provider), null, null);
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    client.close();
    host.close();
    orchestrator.close();
    cloud.close();
  }

  /** A Deploy that makes its VM, then waits for an address the VM never gets. */
  private static String waitingDeploy(String actionId) {
    return Contexts.request(KvmCloudFixture.kernelDeployApp(actionId, "db", Map.of(
        "Wait for IP", "True", "IP Regex", "^172\\.31\\.", "Refresh IP Timeout", "600")));
  }

  private static ObjectNode context() {
    return orchestrator.expose(HostTesting.resourceContext(cloud.providerAttributes()));
  }

  private static boolean vmExists() {
    try {
      return !cloud.domains().isEmpty() && !cloud.ports().isEmpty();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static boolean rolledBack() {
    try {
      return cloud.domains().isEmpty() && cloud.ports().isEmpty();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String hostLine(LogCapture logs) {
    return logs.events().stream().filter(e -> e.getLoggerName().equals("dev.hangar.host"))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("command=Deploy"))
        .findFirst().orElse("");
  }

  @Test
  void cancellingADeployMidwayRollsItBack() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      Context.CancellableContext caller = Context.current().withCancellation();
      CompletableFuture<Status> deploy = new CompletableFuture<>();
      ObjectNode ctx = context();
      threads.execute(() -> caller.run(() -> deploy.complete(status(
          () -> client.call(Command.DEPLOY, ctx, waitingDeploy("cancel-1"), null)))));
      HostTesting.eventually("the VM is made and waits for its address", () -> vmExists()
          && orchestrator.api().calls().stream().anyMatch(c -> c.args().size() == 2
              && c.args().get(1).startsWith("Deploying db-")));

      caller.cancel(null);
      assertThat(deploy.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
      HostTesting.eventually("the VM and its ports are gone",
          HostCancellationTest::rolledBack);
      HostTesting.eventually("the host logged the command", () -> !hostLine(logs).isEmpty());
      assertThat(hostLine(logs)).matches("reservation=res-1 command=Deploy actions=1"
          + " duration_ms=\\d+ outcome=CANCELLED: the caller cancelled while it ran");
    }
  }

  @Test
  void aDeadlineReachesTheDeployWhichRollsBack() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      ObjectNode ctx = context();
      CompletableFuture<Status> deploy = CompletableFuture.supplyAsync(() -> status(
          () -> client.call(Command.DEPLOY, ctx, waitingDeploy("late-1"), Duration.ofSeconds(3))),
          threads);
      HostTesting.eventually("the VM is made", HostCancellationTest::vmExists);

      assertThat(deploy.get(10, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      HostTesting.eventually("the VM and its ports are gone",
          HostCancellationTest::rolledBack);
      HostTesting.eventually("the host logged the command", () -> !hostLine(logs).isEmpty());
      assertThat(hostLine(logs)).contains("outcome=DEADLINE_EXCEEDED: the caller's deadline"
          + " passed while it ran");
    }
  }
}
