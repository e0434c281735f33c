package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SavedAppService.Artifact;
import dev.hangar.driver.spi.SavedAppService.DeleteSavedAppRequest;
import dev.hangar.driver.spi.SavedAppService.SaveAppRequest;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.options.DeploymentOptions;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.image.v2.ContainerFormat;
import org.openstack4j.model.image.v2.DiskFormat;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.options.PortListOptions;

/**
 * The commands beyond the standard on the real stack, through the backend as the driver opens
 * it (its provider, a command scope): snapshots (Nova server images) saved, listed, restored by
 * a rebuild that keeps the server and its port, removed, and removed with their server; SaveApp
 * as an image marked with the saved sandbox that a Deploy boots, DeleteSavedApp (twice);
 * reconfigure as a resize to the smallest fitting flavor; the console; validate_attributes and
 * get_attribute_hints. Each test leaves the project (servers, ports, networks, images, ...) as
 * it found it. The stack's compute driver is Nova's fake one, whose snapshot uploads a small
 * payload (openstack-stack/nova_compute.py): the disk's content cannot be checked, only that
 * the server was rebuilt from the snapshot's image.
 */
class OpenStackBeyondTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();
  private final OSClientV3 os = bed.admin();
  private final Map<String, TreeSet<String>> before = state();
  private final List<String> flavors = new java.util.ArrayList<>();

  @AfterEach
  void leavesTheProjectAsItWas() {
    flavors.forEach(id -> os.compute().flavors().delete(id));
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void snapshotsSaveListRestoreAndRemove() {
    String id = bed.deploy("s1", "snap").path("vmUuid").asText();
    DeployedVm vm = new DeployedVm("snap", id, null, null);
    String port = ports(id).get(0).getId();
    String ip = ports(id).get(0).getFixedIps().iterator().next().getIpAddress();
    try (Backend b = open()) {
      SnapshotService snaps = b.snapshots().orElseThrow();
      assertThatThrownBy(() -> snaps.save(vm, "base", true, scope("remote_save_snapshot")))
          .isInstanceOf(ClientException.class).hasMessageContaining("memory");
      assertThat(snaps.save(vm, "base", false, scope("remote_save_snapshot"))).isEqualTo("base");
      assertThatThrownBy(() -> snaps.save(vm, "base", false, scope("remote_save_snapshot")))
          .isInstanceOf(ClientException.class).hasMessageContaining("already has");
      assertThat(snaps.save(vm, "after install", false, scope("remote_save_snapshot")))
          .isEqualTo("after install");
      assertThat(snaps.list(vm, scope("remote_get_snapshots")))
          .containsExactly("base", "after install");
      Image base = snapshot(id, "base");
      assertThat(base.getStatus()).isEqualTo(Image.ImageStatus.ACTIVE);
      assertThat(base.getAdditionalPropertyValue("hangar-kind")).isEqualTo("snapshot");

      assertThatThrownBy(() -> snaps.restore(vm, "nope", scope("remote_restore_snapshot")))
          .isInstanceOf(ClientException.class)
          .hasMessageContaining("no snapshot 'nope'").hasMessageContaining("base, after install");

      // stopped: the rebuild keeps it stopped; the same server, port and address
      b.compute().powerOff(vm, scope("PowerOff"));
      snaps.restore(vm, "base", scope("remote_restore_snapshot"));
      Server restored = os.compute().servers().get(id);
      assertThat(restored.getStatus()).isEqualTo(Server.Status.SHUTOFF);
      assertThat(restored.getImageId()).isEqualTo(base.getId());
      assertThat(ports(id)).extracting(Port::getId).containsExactly(port);
      assertThat(ports(id).get(0).getFixedIps().iterator().next().getIpAddress()).isEqualTo(ip);
      // running: it runs again after the rebuild
      b.compute().powerOn(vm, scope("PowerOn"));
      snaps.restore(vm, "after install", scope("remote_restore_snapshot"));
      restored = os.compute().servers().get(id);
      assertThat(restored.getStatus()).isEqualTo(Server.Status.ACTIVE);
      assertThat(restored.getImageId()).isEqualTo(snapshot(id, "after install").getId());
      // a snapshot of the restored server is its own, not the one it was rebuilt from
      snaps.save(vm, "third", false, scope("remote_save_snapshot"));
      assertThat(snaps.list(vm, scope("remote_get_snapshots")))
          .containsExactly("base", "after install", "third");

      snaps.remove(vm, "after install", false, scope("remote_remove_snapshot"));
      snaps.remove(vm, "after install", false, scope("remote_remove_snapshot")); // gone: fine
      snaps.remove(vm, "base", true, scope("remote_remove_snapshot"));
      assertThat(snaps.list(vm, scope("remote_get_snapshots"))).containsExactly("third");
      assertThat(os.imagesV2().get(base.getId()) == null
          || os.imagesV2().get(base.getId()).getStatus() == Image.ImageStatus.DELETED).isTrue();
    }
    bed.driver.deleteInstance(bed.remote("snap", id)); // takes snapshot "third" with it
  }

  @Test
  void savedAppIsAnImageOfTheSavedSandboxThatDeploys() {
    String id = bed.deploy("a1", "saveme").path("vmUuid").asText();
    String saved = "saved-" + UUID.randomUUID();
    SaveAppRequest request = new SaveAppRequest("save-1", saved, id, "saveme", "",
        Map.of("Image", OpenStackSeed.IMAGE, "Availability Zone", "", "User Data", "#!/bin/sh",
            "Not Ours", "x"));
    try (Backend b = open()) {
      SavedAppService apps = b.savedApps().orElseThrow();
      SavedAppService.SavedApp app = apps.save(request, scope("SaveApp"));
      assertThat(app.deploymentPath()).isEqualTo("OpenStack Instance");
      assertThat(app.artifacts()).hasSize(1);
      String image = app.artifacts().get(0).ref();
      assertThat(app.savedEntityAttributes()).containsEntry("Image", image)
          .containsEntry("Flavor", OpenStackSeed.FLAVOR).containsEntry("User Data", "#!/bin/sh")
          .doesNotContainKey("Not Ours");
      Image made = os.imagesV2().get(image);
      assertThat(made.getStatus()).isEqualTo(Image.ImageStatus.ACTIVE);
      assertThat(made.getAdditionalPropertyValue("hangar-saved-sandbox")).isEqualTo(saved);
      assertThat(made.getAdditionalPropertyValue("hangar-kind")).isEqualTo("saved-app");
      // a retry of the same SaveApp finds the image the first made
      assertThat(apps.save(request, scope("SaveApp")).artifacts()).containsExactlyElementsOf(
          app.artifacts());

      String copy = OpenStackTestbed.results(bed.driver.deploy(bed.resource(),
          OpenStackTestbed.request(OpenStackTestbed.deployApp("a2", "restored",
              Map.of("Image", image))), CancellationContext.NONE)).get(0).path("vmUuid")
          .asText();
      assertThat(os.compute().servers().get(copy).getStatus()).isEqualTo(Server.Status.ACTIVE);
      assertThat(os.compute().servers().get(copy).getImageId()).isEqualTo(image);
      bed.driver.deleteInstance(bed.remote("restored", copy));

      DeleteSavedAppRequest delete = new DeleteSavedAppRequest("del-1", saved, "saveme",
          app.artifacts());
      // an image that is not this saved sandbox's is refused, and kept
      assertThatThrownBy(() -> apps.delete(new DeleteSavedAppRequest("del-0", saved, "saveme",
          List.of(new Artifact(bed.cloud.imageId, OpenStackSeed.IMAGE))), scope("DeleteSavedApp")))
          .isInstanceOf(ClientException.class).hasMessageContaining(bed.cloud.imageId);
      assertThat(os.imagesV2().get(bed.cloud.imageId).getStatus())
          .isEqualTo(Image.ImageStatus.ACTIVE);
      apps.delete(delete, scope("DeleteSavedApp"));
      Image gone = os.imagesV2().get(image);
      assertThat(gone == null || gone.getStatus() == Image.ImageStatus.DELETED).isTrue();
      apps.delete(delete, scope("DeleteSavedApp")); // already gone: success

      // a SaveApp cancelled once its image exists deletes the image
      String other = "saved-" + UUID.randomUUID();
      CommandScope cancelled = new CommandScope("SaveApp", bed.resource().reservation(),
          bed.api, () -> !os.imagesV2().list(Map.of("hangar-saved-sandbox", other)).isEmpty(),
          new SecretRedactor());
      assertThatThrownBy(() -> apps.save(new SaveAppRequest("save-2", other, id, "saveme", "",
          Map.of()), cancelled)).isInstanceOf(CommandCancelledException.class);
      assertThat(os.imagesV2().list(Map.of("hangar-saved-sandbox", other)).stream()
          .filter(i -> i.getStatus() != Image.ImageStatus.DELETED)).isEmpty();

      bed.driver.deleteInstance(bed.remote("saveme", id));
      assertThatThrownBy(() -> apps.save(request, scope("SaveApp")))
          .isInstanceOf(ClientException.class).hasMessageContaining("no longer exists");
    }
  }

  @Test
  void reconfigureResizesToTheSmallestFittingFlavor() {
    String small = flavor(2, 128, 1);
    String big = flavor(4, 256, 2);
    String id = bed.deploy("r1", "resize").path("vmUuid").asText();
    DeployedVm vm = new DeployedVm("resize", id, null, null);
    try (Backend b = open()) {
      var compute = b.compute();
      VmReshape twoCpus = new VmReshape(OptionalInt.of(2), OptionalLong.empty(), Map.of());
      assertThatThrownBy(() -> compute.reconfigure(vm, twoCpus, scope("reconfigure_vm")))
          .isInstanceOf(ClientException.class).hasMessageContaining("power it off");
      compute.powerOff(vm, scope("PowerOff"));
      compute.reconfigure(vm, twoCpus, scope("reconfigure_vm"));
      Server s = os.compute().servers().get(id);
      assertThat(s.getFlavorId()).isEqualTo(small);
      assertThat(s.getStatus()).isEqualTo(Server.Status.SHUTOFF);
      compute.reconfigure(vm, new VmReshape(OptionalInt.empty(), OptionalLong.of(200),
          Map.of()), scope("reconfigure_vm"));
      assertThat(os.compute().servers().get(id).getFlavorId()).isEqualTo(big);
      assertThatThrownBy(() -> compute.reconfigure(vm, new VmReshape(OptionalInt.empty(),
          OptionalLong.empty(), Map.of(1, 1L)), scope("reconfigure_vm")))
          .isInstanceOf(ClientException.class).hasMessageContaining("only grows");
      assertThatThrownBy(() -> compute.reconfigure(vm, new VmReshape(OptionalInt.empty(),
          OptionalLong.empty(), Map.of(2, 10L)), scope("reconfigure_vm")))
          .isInstanceOf(ClientException.class).hasMessageContaining("Hard Disk 2");
      assertThatThrownBy(() -> compute.reconfigure(vm, new VmReshape(OptionalInt.of(1000),
          OptionalLong.empty(), Map.of()), scope("reconfigure_vm")))
          .isInstanceOf(ClientException.class).hasMessageContaining("no flavor");
      assertThat(os.compute().servers().get(id).getFlavorId()).isEqualTo(big);
    }
    bed.driver.deleteInstance(bed.remote("resize", id));
  }

  @Test
  void consoleAndAttributeChecks() {
    String id = bed.deploy("c1", "console").path("vmUuid").asText();
    Image queued = os.imagesV2().create(Builders.imageV2().name("hangar-queued-"
        + bed.sandbox).containerFormat(ContainerFormat.BARE).diskFormat(DiskFormat.RAW).build());
    try (Backend b = open()) {
      ConsoleAccess console = b.compute().console(new DeployedVm("console", id, null, null),
          scope("console"));
      assertThat(console.kind()).isEqualTo("vnc");
      assertThat(console.url()).startsWith("http").contains("token");
      assertThat(console.text()).contains("LAST LINE"); // the fake driver's console output
      assertThat(console.note()).contains("noVNC");

      var advisor = b.attributeAdvisor().orElseThrow();
      var path = DeploymentOptions.OPENSTACK_INSTANCE;
      assertThat(advisor.validate(path, Map.of("Image", OpenStackSeed.IMAGE, "Flavor",
          OpenStackSeed.FLAVOR, "Availability Zone", "nova"), scope("validate"))).isEmpty();
      assertThat(advisor.validate(path, Map.of("Image", "no-such-image", "Flavor", "no.such",
          "Availability Zone", "mars"), scope("validate")))
          .hasSize(3).anySatisfy(m -> assertThat(m).contains("'Image'").contains("no-such-image"))
          .anySatisfy(m -> assertThat(m).contains("'Flavor'").contains("no.such"))
          .anySatisfy(m -> assertThat(m).contains("Availability Zone 'mars'").contains("nova"));
      assertThat(advisor.validate(path, Map.of("Image", queued.getId()), scope("validate")))
          .singleElement().asString().contains("not active");
      assertThat(advisor.hints(path, "Image", Map.of(), scope("hints")))
          .contains(OpenStackSeed.IMAGE).doesNotContain(queued.getName()).isSorted();
      assertThat(advisor.hints(path, "Flavor", Map.of(), scope("hints")))
          .contains(OpenStackSeed.FLAVOR).isSorted();
      assertThat(advisor.hints(path, "Availability Zone", Map.of(), scope("hints")))
          .containsExactly("nova");
      assertThat(advisor.hints(path, "User Data", Map.of(), scope("hints"))).isEmpty();
    } finally {
      os.imagesV2().delete(queued.getId());
    }
    bed.driver.deleteInstance(bed.remote("console", id));
  }

  private Backend open() {
    return new OpenStackBackendProvider(OpenStackTestbed.FAST).open(new ProviderResource(
        "hangar-os", "Hangar Cloud Provider", bed.attributes), scope("open"));
  }

  private CommandScope scope(String command) {
    return new CommandScope(command, bed.resource().reservation(), bed.api,
        CancellationContext.NONE, new SecretRedactor());
  }

  private String flavor(int cpus, int ram, int disk) {
    Flavor f = os.compute().flavors().create(Builders.flavor().name("hangar-t-" + bed.sandbox
        + "-" + cpus).vcpus(cpus).ram(ram).disk(disk).build());
    flavors.add(f.getId());
    return f.getId();
  }

  private Image snapshot(String serverId, String name) {
    return os.imagesV2().list(Map.of("hangar-snapshot-of", serverId)).stream()
        .filter(i -> name.equals(i.getAdditionalPropertyValue("hangar-snapshot-name")))
        .findFirst().map(i -> (Image) i).orElseThrow();
  }

  private List<? extends Port> ports(String serverId) {
    return os.networking().port().list(PortListOptions.create().deviceId(serverId));
  }

  /** The project as {@link OpenStackL3Test#state} sees it, and its images. */
  private Map<String, TreeSet<String>> state() {
    Map<String, TreeSet<String>> m = OpenStackL3Test.state(os);
    m.put("images", new TreeSet<>(os.imagesV2().list().stream().filter(i -> i.getStatus()
        != Image.ImageStatus.DELETED).map(Image::getId).toList()));
    return m;
  }
}
