package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.Command;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.kvm.KvmCloudFixture;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.LibvirtContents;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import dev.hangar.testing.ProgressHold;
import dev.hangar.testing.ProgressHookApi;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.StoragePool;

/**
 * Issue 23's orphan on KVM, on a real libvirtd (qemu, TCG) and a private ovsdb-server: a sandbox
 * host ({@code hangar serve} in a child JVM) is killed with SIGKILL while it tears a sandbox down
 * and deploys into it at once — one app already deleted (through another host), the DeleteInstance
 * of the second held before it touched anything, and a third app's Deploy held after its domain
 * was defined and its disk cloned, before its cloud-init seed. What the dead host left is a
 * running VM with its disk and port, and a defined VM with its disk. Once the sandbox has expired
 * the reaper removes all of it, and leaves alone a domain and a volume without Hangar's marks.
 */
class KvmHostKilledInTeardownTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";
  private static final String TEMPLATE = "guest.qcow2";
  private static final Duration CALL = Duration.ofSeconds(120);

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSandboxWhoseHostDiedMidTeardownIsReapedWholeAndNothingElse(@TempDir Path dir)
      throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    GuestImage image = GuestImage.build();
    RecordingOrchestratorApi recorded = new RecordingOrchestratorApi(Map.of(), null);
    ProgressHold deleting = new ProgressHold("Deleting db", Duration.ofSeconds(90));
    ProgressHold seeding = new ProgressHold("Writing the cloud-init seed of cut",
        Duration.ofSeconds(90));
    Process serve = null;
    try (RealLibvirtd libvirtd = RealLibvirtd.start();
        PrivateOvsdbServer ovsdb = PrivateOvsdbServer.start(BRIDGE);
        CallbackServer callbacks = CallbackServer.start(HostTesting.LOOPBACK,
            new ProgressHookApi(recorded, deleting.andThen(seeding)))) {
      Files.copy(image.disk(), libvirtd.storagePoolPath().resolve(TEMPLATE),
          StandardCopyOption.REPLACE_EXISTING);
      Files.write(libvirtd.storagePoolPath().resolve("stranger.qcow2"), new byte[4096]);
      Connect libvirt = libvirtd.connection();
      StoragePool pool = libvirt.storagePoolLookupByName(libvirtd.storagePool());
      pool.refresh(0);
      pool.free();
      libvirt.domainDefineXML(image.domainXml("stranger", "", dir.resolve("stranger.log")))
          .free();
      List<String> poolBefore = LibvirtContents.poolContents(libvirtd);
      assertThat(poolBefore).containsExactlyInAnyOrder("file " + TEMPLATE, "volume " + TEMPLATE,
          "file stranger.qcow2", "volume stranger.qcow2");

      Map<String, String> attributes = new LinkedHashMap<>(Contexts.kvmAttributes());
      attributes.putAll(libvirtd.providerAttributes());
      attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
      attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
      attributes.put("Hangar Cloud Provider.Sandbox Lifetime", "1");
      ObjectNode ctx = HostTesting.resourceContext(attributes);
      callbacks.expose(ctx);

      serve = ServeChild.start(dir);
      try (HostClient client = HostClient.connect(ServeChild.servingOn(serve),
              ServeChild.token(), ClientTls.PLAINTEXT);
          BackendRegistry backends = BackendRegistry.empty().register(new KvmBackendProvider());
          SandboxHost other = HostTesting.loopbackHost(backends);
          HostClient otherClient = HostTesting.client(other)) {
        JsonNode web = deploy(client, ctx, "web", "");
        JsonNode db = deploy(client, ctx, "db", "");
        ObjectNode webRemote = HostTesting.remoteContextOf(attributes, web);
        callbacks.expose(webRemote);
        otherClient.call(Command.DELETE_INSTANCE, webRemote, null, CALL);

        CompletableFuture<Status> cut = CompletableFuture.supplyAsync(() -> status(() ->
            client.call(Command.DEPLOY, ctx, request("cut", "#cloud-config\nhostname: cut\n"),
                CALL)));
        assertThat(seeding.reached().await(90, TimeUnit.SECONDS))
            .as("the third Deploy reached its seed").isTrue();
        ObjectNode dbRemote = HostTesting.remoteContextOf(attributes, db);
        callbacks.expose(dbRemote);
        CompletableFuture<Status> teardown = CompletableFuture.supplyAsync(() -> status(() ->
            client.call(Command.DELETE_INSTANCE, dbRemote, null, CALL)));
        assertThat(deleting.reached().await(90, TimeUnit.SECONDS))
            .as("DeleteInstance of db reached its first step").isTrue();
        serve.destroyForcibly();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cut.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(teardown.get(30, TimeUnit.SECONDS).getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        deleting.release();
        seeding.release();
      }

      List<String> domainsLeft = LibvirtContents.domainNames(libvirt);
      // The cut-off Deploy also left its claim (a placeholder domain, see DeployClaims), which
      // the reaper removes once it is stale.
      assertThat(domainsLeft).as("the dead host left db, the cut-off Deploy and its claim")
          .hasSize(4).contains("stranger", named(domainsLeft, "db"), named(domainsLeft, "cut"),
              named(domainsLeft, "hangar-claim-"));
      String cutDisk = named(domainsLeft, "cut") + "-disk0.qcow2";
      assertThat(LibvirtContents.poolContents(libvirtd)).as("a disk with no domain naming it"
          + " would be invisible to the reaper").contains("volume " + cutDisk)
          .doesNotContain("volume " + named(domainsLeft, "cut") + "-seed.iso");
      assertThat(ovsdb.vsctlNames("list-ports", BRIDGE)).as("db's port").hasSize(1);

      SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
          new KvmBackendProvider()), c -> recorded);
      String reaperContext = CODEC.write(Map.of("connectivity", Map.of("server_address",
          "127.0.0.1", "admin_auth_token", "tok-1"), "resource", Map.of("name", "prov",
          "fullname", "prov", "model", "Hangar Cloud Provider", "attributes", attributes)));
      ReapReport early = reaping.reap(reaperContext, false, Instant.now(),
          CancellationContext.NONE);
      assertThat(early.lines()).as("not expired yet").isEmpty();
      assertThat(LibvirtContents.domainNames(libvirt)).isEqualTo(domainsLeft);

      ReapReport done = reaping.reap(reaperContext, false,
          Instant.now().plus(Duration.ofHours(2)), CancellationContext.NONE);
      assertThat(done.clean()).as(done.lines().toString()).isTrue();
      assertThat(done.lines()).extracting(ReapReport.Line::kind)
          .contains("domain", "volume", "OVS port");
      assertThat(done.lines()).noneMatch(l -> l.id().contains("stranger")
          || l.id().contains(TEMPLATE));
      assertThat(LibvirtContents.domainNames(libvirt)).as("only the unmarked domain is left")
          .containsExactly("stranger");
      assertThat(LibvirtContents.poolContents(libvirtd)).as("only the unmarked volumes")
          .containsExactlyInAnyOrderElementsOf(poolBefore);
      assertThat(ovsdb.vsctlNames("list-ports", BRIDGE)).isEmpty();
    } finally {
      if (serve != null) {
        serve.destroyForcibly();
      }
    }
  }

  private static JsonNode deploy(HostClient client, ObjectNode ctx, String app,
      String userData) {
    JsonNode r = CODEC.readTree(client.call(Command.DEPLOY, ctx, request(app, userData), CALL),
        "response").path("driverResponse").path("actionResults").get(0);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  private static String request(String app, String userData) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", TEMPLATE);
    a.put("CPU", "1");
    a.put("RAM", "256");
    a.put("NIC Count", "1");
    a.put("Wait for IP", "False");
    if (!userData.isEmpty()) {
      a.put("Cloud-Init User Data", userData);
    }
    return Contexts.request(KvmCloudFixture.templateDeployApp("kill-" + app, app, a));
  }

  /** The one domain whose name starts with the app's. */
  private static String named(List<String> domains, String app) {
    return domains.stream().filter(n -> n.startsWith(app)).findFirst()
        .orElseThrow(() -> new AssertionError("no domain of " + app + " in " + domains));
  }

  private interface Call {
    String run();
  }

  private static Status status(Call call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }
}
