package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.LibvirtContents;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.ProgressHold;
import dev.hangar.testing.ProgressHookApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * The host process dies (SIGKILL) in the middle of a Deploy whose VM outlives it, and the
 * orchestrator retries the same actionId on a second host, which must resume that VM: one
 * domain (the same one, never restarted), one set of OVS ports, success with the same vmUuid;
 * then DeleteInstance leaves no domain, volume or port.
 *
 * <p>Both hosts reach one real libvirtd (qemu, TCG; {@link RealLibvirtd}) through its unix
 * socket, and one private ovsdb-server over TCP. The first host is {@code hangar serve} in a
 * child JVM; its Deploy (a kernel-boot VM, Wait for IP) is held after the domain is defined and
 * started and its port made, while it reports "Waiting up to … for the IP" through the
 * orchestrator's callback, which this test keeps from answering. Then the child is killed -9;
 * libvirtd keeps the VM running. Unlike {@link HostCrashRetryTest} (libvirt's in-process test
 * driver, whose VM dies with the host), what survives here is the VM itself.
 */
class HostCrashResumeTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aVmThatOutlivedItsKilledHostIsResumedByTheRetryOnAnotherHost(@TempDir Path dir)
      throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    GuestImage image = GuestImage.build();
    ExecutorService threads = Executors.newCachedThreadPool();
    RecordingOrchestratorApi recorded = new RecordingOrchestratorApi(Map.of(), null);
    // Holds the Deploy at its first "Waiting up to … for the IP" report: started, port made.
    ProgressHold hold = new ProgressHold("Waiting up to", Duration.ofSeconds(60));
    OrchestratorApi holding = new ProgressHookApi(recorded, hold);
    try (RealLibvirtd libvirtd = RealLibvirtd.start();
        PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start(BRIDGE);
        CallbackServer callbacks = CallbackServer.start(HostTesting.LOOPBACK, holding)) {
      Map<String, String> attributes = attributes(libvirtd, ovsdb);
      ObjectNode ctx = HostTesting.resourceContext(attributes);
      callbacks.expose(ctx);
      String request = Contexts.request(KvmCloudFixture.kernelDeployApp("resume-1", "db",
          Map.of("Kernel", image.kernel().toString(), "Initrd", image.initrd().toString(),
              "Kernel Cmdline", GuestImage.CMDLINE, "CPU", "1", "RAM", "256", "NIC Count", "1",
              "Wait for IP", "True", "Refresh IP Timeout", "120")));

      ServeChild.killDuringDeploy(dir, ctx, request, hold.reached(), Duration.ofSeconds(90), () -> { },
          threads);
      hold.release();

      // What the dead host left: one running VM and its port.
      Connect libvirt = libvirtd.connection();
      assertThat(domains(libvirt)).as("domains the dead host left").hasSize(1);
      assertThat(libvirt.listDomains()).as("the VM outlived its host").hasSize(1);
      int id = libvirt.listDomains()[0];
      Domain survivor = libvirt.domainLookupByID(id);
      String uuid = survivor.getUUIDString();
      String name = survivor.getName();
      survivor.free();
      List<String> leftByTheDeadHost = ovsdb.vsctlNames("list-ports", BRIDGE);
      assertThat(leftByTheDeadHost).hasSize(1);

      // The orchestrator retries the same request (same actionId) on another host.
      try (BackendRegistry backends = BackendRegistry.empty().register(
              new KvmBackendProvider());
          SandboxHost second = HostTesting.loopbackHost(backends);
          HostClient client = HostTesting.client(second)) {
        JsonNode r = CODEC.readTree(client.call(Command.DEPLOY, ctx, request,
            Duration.ofSeconds(150)), "response").path("driverResponse").path("actionResults")
            .get(0);
        assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("infoMessage").asText())
            .isEqualTo("found the VM an earlier attempt made on " + libvirtd.uri());
        assertThat(r.path("vmUuid").asText()).isEqualTo(uuid);
        assertThat(r.path("vmName").asText()).isEqualTo(name);
        assertThat(r.path("deployedAppAddress").asText()).as("the resumed VM's DHCP address")
            .startsWith(libvirtd.managementGateway().substring(0,
                libvirtd.managementGateway().lastIndexOf('.') + 1));
        assertThat(domains(libvirt)).as("exactly one domain").containsExactly(name);
        assertThat(libvirt.listDomains()).as("the same run of the VM, never restarted")
            .containsExactly(id);
        assertThat(ovsdb.vsctlNames("list-ports", BRIDGE)).as("the same port, taken over")
            .containsExactlyElementsOf(leftByTheDeadHost);

        ObjectNode remote = HostTesting.remoteContextOf(attributes, r);
        callbacks.expose(remote);
        client.call(Command.DELETE_INSTANCE, remote, null, Duration.ofSeconds(120));
        assertThat(domains(libvirt)).as("domains after DeleteInstance").isEmpty();
        assertThat(ovsdb.vsctlNames("list-ports", BRIDGE)).as("ports after DeleteInstance")
            .isEmpty();
        assertThat(LibvirtContents.poolContents(libvirtd)).as("volumes after DeleteInstance")
            .isEmpty();
      }
    } finally {
      hold.release();
      threads.shutdownNow();
    }
  }

  private static List<String> domains(Connect libvirt) throws LibvirtException {
    return LibvirtContents.domainNames(libvirt);
  }

  private static Map<String, String> attributes(RealLibvirtd libvirtd, PrivateOvsdbServer ovsdb) {
    Map<String, String> a = new LinkedHashMap<>(Contexts.kvmAttributes());
    a.putAll(libvirtd.providerAttributes());
    a.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
    a.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    return a;
  }
}
