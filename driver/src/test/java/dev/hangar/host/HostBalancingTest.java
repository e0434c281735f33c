package dev.hangar.host;

import static dev.hangar.host.HostTesting.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.Command;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client of three real hosts on loopback (each its own in-memory cloud, so where a call ran is
 * visible): calls go round-robin, an idempotent call that fails UNAVAILABLE is retried on the
 * next host (five attempts at most), a non-idempotent one never.
 */
class HostBalancingTest {
  private static final String KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  private static final Duration CALL = Duration.ofSeconds(30);
  private final List<InMemoryCloud> clouds = List.of(InMemoryCloud.kvm(), InMemoryCloud.kvm(),
      InMemoryCloud.kvm());
  private final List<SandboxHost> hosts = new ArrayList<>();
  private final List<CallAttempts.Call> calls = new CopyOnWriteArrayList<>();
  private HostTesting.Orchestrator orchestrator;
  private HostClient client;
  private ObjectNode ctx;
  private int deploys;

  @BeforeEach
  void start() throws Exception {
    orchestrator = HostTesting.Orchestrator.start();
    List<String> addresses = new ArrayList<>();
    for (InMemoryCloud c : clouds) {
      SandboxHost h = HostTesting.loopbackHost(BackendRegistry.empty().register(c));
      hosts.add(h);
      addresses.add(h.address().toString());
    }
    HostTargets targets = HostTargets.parse(String.join(",", addresses));
    client = new HostClient(HostClient.channel(targets, ClientTls.PLAINTEXT)
        .intercept(new CallAttempts(calls::add)).build(), TOKEN);
    ctx = orchestrator.expose(HostTesting.resourceContext(Contexts.kvmAttributes()));
    // Until every host has had a call: round_robin then cycles over all three.
    for (int i = 0; i < 60 && clouds.stream().anyMatch(c -> c.vms().isEmpty()); i++) {
      deploy();
    }
    assertThat(clouds).allSatisfy(c -> assertThat(c.vms()).isNotEmpty());
    calls.clear();
  }

  @AfterEach
  void stop() {
    client.close();
    hosts.forEach(h -> h.shutdown(Duration.ZERO));
    orchestrator.close();
  }

  private String deploy() {
    deploys++;
    return client.call(Command.DEPLOY, ctx, Contexts.request(Contexts.deployApp("bal-" + deploys,
        "app" + deploys, KERNEL)), CALL);
  }

  private int vms() {
    return clouds.stream().mapToInt(c -> c.vms().size()).sum();
  }

  @Test
  void callsAreSpreadOverEveryHost() {
    List<Integer> before = clouds.stream().map(c -> c.vms().size()).toList();
    for (int i = 0; i < 30; i++) {
      deploy();
    }
    for (int i = 0; i < clouds.size(); i++) {
      // 10 each while all three stay connected; the bound leaves room for a reconnect.
      assertThat(clouds.get(i).vms().size() - before.get(i)).as("deploys on host " + i)
          .isBetween(5, 15);
    }
    assertThat(calls).hasSize(30).allSatisfy(c ->
        assertThat(c.attempts()).containsExactly(Status.Code.OK));
  }

  @Test
  void anIdempotentCallThatFailsUnavailableIsRetriedOnTheNextHost() {
    clouds.get(1).failNext("validate", unreachable());
    // Round robin reaches host 1 within three calls; that call is retried on the next host.
    for (int i = 0; i < 3; i++) {
      inventory();
    }
    assertThat(calls).hasSize(3).filteredOn(CallAttempts.Call::sawUnavailable).singleElement()
        .satisfies(c -> {
          assertThat(c.method()).isEqualTo("hangar.v1.CloudProvider/GetInventory");
          assertThat(c.attempts()).containsExactly(Status.Code.UNAVAILABLE, Status.Code.OK);
          assertThat(c.outcome()).isEqualTo(Status.Code.OK);
        });
    assertThat(validations()).as("three calls, one of them run twice").isEqualTo(4);
  }

  @Test
  void aCallIsTriedTenTimesAtMostThenTheCallerSeesUnavailable() {
    AtomicBoolean down = new AtomicBoolean(true);
    clouds.forEach(c -> c.onOpen(scope -> {
      if (down.get()) {
        throw unreachable();
      }
    }));
    assertThatThrownBy(this::inventory).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(calls).singleElement().satisfies(c -> assertThat(c.attempts())
        .containsExactlyElementsOf(Collections.nCopies(HostRetries.MAX_ATTEMPTS,
            Status.Code.UNAVAILABLE)));
    assertThat(HostRetries.MAX_ATTEMPTS).as("above gRPC's default ceiling of 5").isEqualTo(10);
    down.set(false);
    inventory();
    assertThat(calls).last().satisfies(c -> assertThat(c.attempts())
        .containsExactly(Status.Code.OK));
  }

  /** What a host answers when it cannot reach the hypervisor: UNAVAILABLE. */
  private static RuntimeException unreachable() {
    return BackendException.unavailable("cannot reach the hypervisor", null);
  }

  private void inventory() {
    ObjectNode provider = HostTesting.resourceContext(Contexts.kvmAttributes());
    provider.remove("reservation");
    client.call(Command.GET_INVENTORY, orchestrator.expose(provider), null, CALL);
  }

  private long validations() {
    return clouds.stream().flatMap(c -> c.log().stream()).filter("validate"::equals).count();
  }

  @Test
  void aNonIdempotentCallIsNeverRetried() {
    String uid = clouds.get(0).vms().keySet().iterator().next();
    ObjectNode app = orchestrator.expose(HostTesting.remoteContext(Contexts.kvmAttributes(),
        "app", uid));
    clouds.forEach(c -> c.failNext("powerOff", unreachable()));
    assertThatThrownBy(() -> client.call(Command.POWER_CYCLE, app, null, Map.of("delay", "0"),
        CALL)).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(calls).singleElement().satisfies(c -> {
      assertThat(c.method()).isEqualTo("hangar.v1.CloudProvider/PowerCycle");
      assertThat(c.attempts()).containsExactly(Status.Code.UNAVAILABLE);
    });
    assertThat(clouds.stream().filter(c -> c.log().stream().anyMatch(
        l -> l.startsWith("powerOff")))).as("hosts that ran the PowerCycle").hasSize(1);
    assertThat(HostRetries.retried("hangar.v1.CloudProvider/PowerCycle")).isFalse();
    assertThat(HostRetries.retried("hangar.v1.CloudProvider/Deploy")).isTrue();
  }

  @Test
  void aHostThatStopsIsLeftOutAndTheOthersTakeItsCalls() {
    hosts.get(0).shutdown(Duration.ZERO);
    int before = vms();
    for (int i = 0; i < 12; i++) {
      deploy();
    }
    assertThat(vms()).isEqualTo(before + 12);
    assertThat(calls).allSatisfy(c -> assertThat(c.outcome()).isEqualTo(Status.Code.OK));
  }
}
