package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.orchestrator.ApiCall;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.replay.HostTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.replay.Transport;
import dev.hangar.testing.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * Hosts keep no sandbox state: the L2 sample sandbox is set up through one host and torn down
 * through another, each with its own KVM backend (own connections), sharing only the cloud
 * (libvirt's test:///default and an ovsdb-server).
 */
class TwoHostsTest {
  private static final String TEMPLATE = "debian-12-template.qcow2";

  /** Runs the steps before {@code switchAt} on {@code first}, the rest on {@code second}. */
  private static final class SplitTransport implements Transport {
    private final Transport first;
    private final Transport second;
    private final int switchAt;
    private final List<String> ranOnSecond = new ArrayList<>();
    private int step;
    private Transport last;

    SplitTransport(Transport first, Transport second, int switchAt) {
      this.first = first;
      this.second = second;
      this.switchAt = switchAt;
    }

    @Override
    public Outcome execute(Command command, String contextJson, String requestJson) {
      last = ++step < switchAt ? first : second;
      if (last == second) {
        ranOnSecond.add(command.standardName());
      }
      return last.execute(command, contextJson, requestJson);
    }

    @Override
    public List<ApiCall> calls() {
      return last == null ? List.of() : last.calls();
    }

    @Override
    public void clearCalls() {
      first.clearCalls();
      second.clearCalls();
    }
  }

  @Test
  void setupOnOneHostTeardownOnAnother() throws Exception {
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios/l2-sandbox.json"));
    try (EmbeddedHypervisor hypervisor = EmbeddedHypervisor.open();
        PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start("br-int");
        BackendRegistry backendsA = BackendRegistry.empty().register(new KvmBackendProvider());
        BackendRegistry backendsB = BackendRegistry.empty().register(new KvmBackendProvider());
        SandboxHost a = HostTesting.loopbackHost(backendsA);
        SandboxHost b = HostTesting.loopbackHost(backendsB);
        HostClient clientA = HostTesting.client(a);
        HostClient clientB = HostTesting.client(b);
        HostTransport onA = HostTransport.start(clientA, HostTesting.LOOPBACK, s.passwords(),
            null, null);
        HostTransport onB = HostTransport.start(clientB, HostTesting.LOOPBACK, s.passwords(),
            null, null)) {
      hypervisor.ensureTemplates(List.of(TEMPLATE));
      Map<String, String> vars = Map.of("hypervisors", EmbeddedHypervisor.URI,
          "ovsdbRemote", ovsdb.tcpRemote(), "ovsBridge", "br-int",
          "storagePool", EmbeddedHypervisor.POOL, "template", TEMPLATE);
      int teardown = 9;
      assertThat(s.steps().get(teardown - 1).name()).isEqualTo("disconnect web and db");
      SplitTransport split = new SplitTransport(onA, onB, teardown);

      ScenarioRunner.Report r = new ScenarioRunner(split).run(s, vars, x -> { });

      assertThat(r.steps())
          .allSatisfy(x -> assertThat(x.failures()).as(x.name()).isEmpty());
      assertThat(split.ranOnSecond).containsSubsequence("PowerOff", "PowerOff",
          "DeleteInstance", "DeleteInstance", "DeleteInstance");
      Connect libvirt = new Connect(EmbeddedHypervisor.URI);
      try {
        List<String> names = new ArrayList<>(List.of(libvirt.listDefinedDomains()));
        for (int id : libvirt.listDomains()) {
          names.add(libvirt.domainLookupByID(id).getName());
        }
        assertThat(names).noneMatch(n -> n.startsWith("web-") || n.startsWith("db-"));
      } finally {
        libvirt.close();
      }
      assertThat(ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
    }
  }
}
