package dev.hangar.driver.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.replay.InProcessTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * A KVM provider whose attributes are all at their defaults but the OVSDB remote (the embedded
 * default's ovsdb-server has no system socket) passes get_inventory on the embedded default and
 * deploys the template sample there (and deletes it, and the embedded default's close removes
 * its pool, leaving the shared test:///default as it was).
 */
class EmbeddedDefaultTest {
  private static final WireCodec CODEC = WireCodec.standard();

  @Test
  void aProviderAtItsDefaultsWorksOnTheEmbeddedDefault() throws Exception {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    try (EmbeddedHypervisor hypervisor = EmbeddedHypervisor.open();
        PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start("br-int");
        BackendRegistry backends = BackendRegistry.empty().register(new KvmBackendProvider())) {
      hypervisor.ensureTemplates(List.of("debian-12-template.qcow2"));
      Map<String, String> attributes = Map.of("Hangar Cloud Provider.OVSDB Remote",
          ovsdb.tcpRemote());
      CloudProviderDriver driver = new CloudProviderDriver(backends,
          c -> new RecordingOrchestratorApi(Map.of(), null));
      assertThat(driver.getInventory(Contexts.autoload(attributes))).isNotNull();

      String request = Files.readString(Path.of(Samples.path("requests/deploy-kvm-template.json")))
          .replaceAll("\\$\\{(\\w+):-([^}]*)}", "$2");
      JsonNode r = CODEC.readTree(driver.deploy(Contexts.resource(attributes), request,
          CancellationContext.NONE), "response").at("/driverResponse/actionResults/0");
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      assertThat(r.path("vmName").asText()).startsWith("web");
      assertThat(ovsdb.vsctlNames("list-ports", "br-int")).hasSize(1);

      // test:///default outlives this test while any connection of the JVM is open.
      driver.deleteInstance(Contexts.remote(attributes, r.path("vmName").asText(),
          r.path("vmUuid").asText(), "Public IP"));
      assertThat(ovsdb.vsctlNames("list-ports", "br-int")).isEmpty();
    }
    // The pool it made went with it, although the driver's connections may still be open.
    Connect c = new Connect(EmbeddedHypervisor.URI);
    try {
      assertThat(c.listStoragePools()).doesNotContain(EmbeddedHypervisor.POOL);
    } finally {
      c.close();
    }
  }

  @Test
  void theBeyondTheStandardSampleScenarioPassesOnTheEmbeddedDefault() throws Exception {
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed");
    Scenario s = new ScenarioLoader().load(Samples.dir().resolve("scenarios")
        .resolve("kvm-beyond-the-standard.json"));
    try (EmbeddedDefault embedded = EmbeddedDefault.onFirstUse(line -> { });
        BackendRegistry backends = embedded.registry()) {
      ScenarioRunner.Report r = new ScenarioRunner(new InProcessTransport(backends,
          s.passwords(), null)).run(s, Map.of(), x -> { });
      assertThat(r.steps()).allSatisfy(step -> assertThat(step.failures()).as(step.name())
          .isEmpty());
      assertThat(r.steps()).hasSize(20);
    }
  }
}
