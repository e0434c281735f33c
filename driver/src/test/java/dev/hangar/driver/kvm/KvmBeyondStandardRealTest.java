package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.driver.testing.GuestHttp;
import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.Daemons;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.StoragePool;

/**
 * The KVM backend's commands beyond the standard on a real libvirtd (qemu TCG) with a guest that
 * boots from a disk (bin/guest-image's disk.qcow2 as template "guest.qcow2"): a snapshot with
 * memory of the running guest, whose restore brings back a file the guest wrote in RAM before it
 * and loses one written after; a snapshot without memory, whose restore leaves the VM off; the
 * VNC console; SaveApp of the running guest and a Deploy of the saved template that boots and
 * answers; DeleteSavedApp; reconfigure of the stopped VM (vCPUs, memory, a disk that grows, a
 * new disk, a refused shrink), and qemu starts it so. One guest boot for all of it, one for the
 * saved app.
 */
class KvmBeyondStandardRealTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final String BRIDGE = "br-int";
  private static final String TEMPLATE = "guest.qcow2";
  private static final Duration GUEST_UP = Duration.ofSeconds(120);

  private static RealLibvirtd libvirtd;
  private static PrivateOvsdbServer ovsdb;
  private static GuestImage image;

  @BeforeAll
  static void startDaemons() throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    Daemons.need(PrivateOvsdbServer.available(), "Open vSwitch is not installed (bin/deps runtime"
        + " installs openvswitch-switch)");
    image = GuestImage.build();
    libvirtd = RealLibvirtd.start();
    ovsdb = PrivateOvsdbServer.start(BRIDGE);
    Files.copy(image.disk(), libvirtd.storagePoolPath().resolve(TEMPLATE),
        StandardCopyOption.REPLACE_EXISTING);
    StoragePool pool = libvirtd.connection().storagePoolLookupByName(libvirtd.storagePool());
    pool.refresh(0);
    pool.free();
  }

  @AfterAll
  static void stopDaemons() {
    if (ovsdb != null) {
      ovsdb.close();
    }
    if (libvirtd != null) {
      libvirtd.close();
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void snapshotsSaveAppConsoleAndReconfigureOnARunningTcgGuest() throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> attributes = new LinkedHashMap<>(Contexts.kvmAttributes());
    attributes.putAll(libvirtd.providerAttributes());
    attributes.put("Hangar Cloud Provider.OVS Bridge", BRIDGE);
    attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
    try (KvmBackendProvider provider = new KvmBackendProvider(OvsdbConnectors::standard,
        new KvmTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(3),
            Duration.ofMillis(200), KvmTimeouts.Sleeper.REAL))) {
      CloudProviderDriver driver = new CloudProviderDriver(BackendRegistry.empty()
          .register(provider), c -> api);
      CommandScope scope = new CommandScope("test", null, api, null, new SecretRedactor());
      Backend backend = provider.open(new ProviderResource("prov", "Hangar Cloud Provider",
          attributes), scope);
      SnapshotService snapshots = backend.snapshots().orElseThrow();
      Connect conn = libvirtd.connection();

      // --- a template guest that boots from its disk and answers --------------------------------
      // With a cloud-init seed: a read-only CD-ROM beside the disk, left out of the snapshots.
      JsonNode web = deploy(driver, attributes, "act-web", "web", TEMPLATE,
          "#cloud-config\nhostname: web\n");
      DeployedVm vm = new DeployedVm("web", web.path("vmUuid").asText(), null, null);
      GuestHttp http = new GuestHttp(libvirtd, web.path("deployedAppAddress").asText(), "web");
      assertThat(awaitNotes(http, "before")).contains("before");
      long bootedMs = msSince(t0);

      // --- a snapshot with memory; a file written after it is lost by the restore -------------
      long snapAt = System.nanoTime();
      assertThat(snapshots.save(vm, "warm", true, scope)).isEqualTo("warm");
      long snapshotMs = msSince(snapAt);
      assertThat(awaitNotes(http, "after")).contains("before", "after");
      long restoreAt = System.nanoTime();
      snapshots.restore(vm, "warm", scope);
      long restoreMs = msSince(restoreAt);
      Domain domain = conn.domainLookupByUUIDString(vm.uid());
      assertThat(domain.isActive()).as("a memory snapshot restores the VM running").isEqualTo(1);
      List<String> notes = awaitNotes(http, "");
      assertThat(notes).as("the guest's RAM as it was at the snapshot").contains("before")
          .doesNotContain("after");
      assertThatThrownBy(() -> snapshots.restore(vm, "cold", scope))
          .isInstanceOf(ClientException.class).hasMessageContaining("its snapshots: warm");

      // --- a snapshot without memory: taken paused, restored powered off ----------------------
      assertThat(snapshots.save(vm, "cold", false, scope)).isEqualTo("warm/cold");
      assertThat(domain.isActive()).isEqualTo(1);
      assertThat(snapshots.list(vm, scope)).containsExactly("warm", "warm/cold");

      // --- the console: VNC on the hypervisor's loopback --------------------------------------
      ConsoleAccess console = backend.compute().console(vm, scope);
      assertThat(console.kind()).isEqualTo("vnc");
      assertThat(console.url()).matches("vnc://127\\.0\\.0\\.1:59[0-9][0-9]");
      assertThat(console.command()).isEqualTo("virt-viewer --connect '" + libvirtd.uri() + "' "
          + vm.uid());
      String port = console.url().substring(console.url().lastIndexOf(':') + 1);
      assertThat(libvirtd.exec("/bin/busybox", "nc", "-w", "5", "127.0.0.1", port).stdout())
          .as("a VNC server answers on the port").startsWith("RFB ");

      // --- SaveApp of the running guest; the saved template deploys and boots ------------------
      SavedAppService saved = backend.savedApps().orElseThrow();
      long saveAt = System.nanoTime();
      SavedAppService.SavedApp app = saved.save(new SavedAppService.SaveAppRequest("act-save",
          "sbx-7", vm.uid(), "web", "KVM VM From Template", Map.of("Template", TEMPLATE,
          "CPU", "1", "RAM", "256")), scope);
      long saveMs = msSince(saveAt);
      String savedVolume = app.savedEntityAttributes().get("Template");
      assertThat(savedVolume).startsWith("saved-sbx-7-web-");
      assertThat(domain.isActive()).as("resumed after the copy").isEqualTo(1);
      StoragePool pool = conn.storagePoolLookupByName(libvirtd.storagePool());
      pool.refresh(0);
      assertThat(pool.storageVolLookupByName(savedVolume).getXMLDesc(0))
          .as("flattened: no backing chain").doesNotContain("<backingStore>");
      assertThat(awaitNotes(http, "")).as("the source guest runs on").contains("before");
      JsonNode copy = deploy(driver, attributes, "act-copy", "copy", savedVolume, "");
      GuestHttp copyHttp = new GuestHttp(libvirtd, copy.path("deployedAppAddress").asText(),
          "copy");
      assertThat(awaitNotes(copyHttp, "")).as("a fresh boot of the saved disk").isEmpty();
      driver.deleteInstance(KvmTestbed.remote(attributes, copy, Map.of()));
      saved.delete(new SavedAppService.DeleteSavedAppRequest("act-del", "sbx-7", "web",
          app.artifacts()), scope);
      pool.refresh(0);
      assertThat(pool.listVolumes()).doesNotContain(savedVolume);

      // --- restore the snapshot without memory: powered off -----------------------------------
      snapshots.restore(vm, "warm/cold", scope);
      assertThat(domain.isActive()).as("a snapshot without memory restores powered off")
          .isZero();

      // --- SaveApp of the stopped VM: libvirt's volume copy, flat too ---------------------------
      SavedAppService.SavedApp cold = saved.save(new SavedAppService.SaveAppRequest(
          "act-save2", "sbx-7", vm.uid(), "web", "KVM VM From Template", Map.of()), scope);
      String coldVolume = cold.artifacts().get(0).name();
      pool.refresh(0);
      assertThat(pool.storageVolLookupByName(coldVolume).getXMLDesc(0))
          .doesNotContain("<backingStore>");
      saved.delete(new SavedAppService.DeleteSavedAppRequest("act-del2", "sbx-7", "web",
          cold.artifacts()), scope);

      // --- reconfigure the stopped VM ---------------------------------------------------------
      VmReshape grow = new VmReshape(OptionalInt.empty(), OptionalLong.empty(), Map.of(1, 1L));
      assertThatThrownBy(() -> backend.compute().reconfigure(vm, grow, scope))
          .isInstanceOf(ClientException.class).hasMessageContaining("has 2 snapshots");
      snapshots.remove(vm, "warm", true, scope);
      assertThat(snapshots.list(vm, scope)).isEmpty();
      backend.compute().reconfigure(vm, new VmReshape(OptionalInt.of(2), OptionalLong.of(384),
          Map.of(1, 1L, 2, 2L)), scope);
      DomainView view = DomainView.parse(domain.getXMLDesc(0));
      assertThat(view.vcpus()).isEqualTo(2);
      assertThat(view.memoryKiB()).isEqualTo(384 * 1024);
      assertThat(view.disks()).extracting(DomainView.DiskView::target)
          .containsExactlyInAnyOrder("vda", "sda", "vdb");
      String disk0 = volumeOf(view, "vda");
      String disk1 = volumeOf(view, "vdb");
      pool.refresh(0);
      assertThat(pool.storageVolLookupByName(disk0).getInfo().capacity).isEqualTo(1L << 30);
      assertThat(pool.storageVolLookupByName(disk1).getInfo().capacity).isEqualTo(2L << 30);
      assertThat(view.metadata().volumes()).contains(libvirtd.storagePool() + "/" + disk1);
      assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(
          OptionalInt.empty(), OptionalLong.empty(), Map.of(2, 1L)), scope))
          .isInstanceOf(ClientException.class).hasMessageContaining("disk 2 (vdb) is 2 GB")
          .hasMessageContaining("cannot shrink to 1 GB");

      // --- qemu starts with the new shape; DeleteInstance removes the added disk too ----------
      driver.powerOn(KvmTestbed.remote(attributes, web, Map.of()));
      assertThat(domain.isActive()).isEqualTo(1);
      assertThat(libvirtd.qemuLog(view.name(), 400)).contains("-smp 2").contains("-m 384");

      // --- on the running VM: a disk grows live; vCPUs do not change -------------------------
      backend.compute().reconfigure(vm, new VmReshape(OptionalInt.empty(), OptionalLong.empty(),
          Map.of(2, 3L)), scope);
      pool.refresh(0);
      assertThat(pool.storageVolLookupByName(disk1).getInfo().capacity).isEqualTo(3L << 30);
      assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(OptionalInt.of(1),
          OptionalLong.empty(), Map.of()), scope)).isInstanceOf(ClientException.class)
          .hasMessageContaining("is running").hasMessageContaining("power it off");
      driver.deleteInstance(KvmTestbed.remote(attributes, web, Map.of()));
      pool.refresh(0);
      assertThat(pool.listVolumes()).containsExactly(TEMPLATE);
      System.out.printf("KvmBeyondStandardRealTest: deploy→HTTP %d ms, snapshot with memory %d"
          + " ms, restore %d ms, SaveApp of the running guest %d ms, whole test %d ms%n",
          bootedMs, snapshotMs, restoreMs, saveMs, msSince(t0));
    }
  }

  private static JsonNode deploy(CloudProviderDriver driver, Map<String, String> attributes,
      String actionId, String app, String template, String userData) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", template);
    if (!userData.isEmpty()) {
      a.put("Cloud-Init User Data", userData);
    }
    a.put("CPU", "1");
    a.put("RAM", "256");
    a.put("NIC Count", "0");
    a.put("Wait for IP", "True");
    a.put("Refresh IP Timeout", "120");
    String request = Contexts.request(KvmTestbed.deployApp(actionId, app,
        KvmTestbed.PATH_TEMPLATE, a));
    String out = driver.deploy(Contexts.resource(attributes), request, CancellationContext.NONE);
    JsonNode r = CODEC.readTree(out, "response").path("driverResponse").path("actionResults")
        .get(0);
    assertThat(r.path("success").asBoolean()).as("Deploy of %s: %s\nqemu log:\n%s", app, r,
        libvirtd.qemuLog(r.path("vmName").asText(), 30)).isTrue();
    return r;
  }

  /**
   * Writes the note {@code name} in the guest's RAM (none when empty) and returns the notes
   * there are, retrying until the guest's httpd answers.
   */
  private static List<String> awaitNotes(GuestHttp http, String name) throws Exception {
    long deadline = System.nanoTime() + GUEST_UP.toNanos();
    String body = null;
    while (System.nanoTime() < deadline) {
      body = http.get("/cgi-bin/note" + (name.isEmpty() ? "" : "?" + name));
      if (body != null && body.strip().endsWith("end")) {
        List<String> lines = body.strip().lines().toList();
        return lines.subList(0, lines.size() - 1);
      }
      Thread.sleep(500);
    }
    throw new AssertionError(http.label() + " did not answer /cgi-bin/note within " + GUEST_UP
        + "; last: " + body);
  }

  private static String volumeOf(DomainView view, String target) {
    return view.disks().stream().filter(d -> d.target().equals(target)).findFirst()
        .orElseThrow().volume();
  }

  private static long msSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
