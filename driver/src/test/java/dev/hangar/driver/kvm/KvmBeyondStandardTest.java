package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SavedAppService.SavedApp;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.options.DeploymentOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/**
 * The KVM backend's commands beyond the standard (snapshots, SaveApp/DeleteSavedApp,
 * reconfigure, console, attribute checks) on libvirt's test driver: the tree of snapshot paths,
 * the checks and their messages, the definition changes. What needs a real qemu (memory
 * snapshots of a guest, a flattened copy that boots) is {@link KvmBeyondStandardRealTest}.
 */
class KvmBeyondStandardTest {
  private KvmTestbed bed;
  private Backend backend;
  private CommandScope scope;
  private JsonNode web;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    scope = new CommandScope("test", null, bed.api, null, new SecretRedactor());
    backend = bed.provider.open(new ProviderResource("prov", "Hangar Cloud Provider",
        bed.attributes), scope);
    web = bed.deploy("act-web", "web", KvmTestbed.PATH_TEMPLATE, templateAttrs());
    assertThat(web.path("success").asBoolean()).as(web.toString()).isTrue();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static Map<String, String> templateAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("CPU", "1");
    a.put("RAM", "512");
    a.put("NIC Count", "0");
    return a;
  }

  private static DeployedVm vm(JsonNode deployed) {
    return new DeployedVm(deployed.path("vmName").asText(), deployed.path("vmUuid").asText(),
        null, null);
  }

  private Domain domain(JsonNode deployed) throws Exception {
    return bed.libvirt().domainLookupByUUIDString(deployed.path("vmUuid").asText());
  }

  private SnapshotService snapshots() {
    return backend.snapshots().orElseThrow();
  }

  @Test
  void snapshotsFormATreeOfPathsThatRestoreAndRemove() throws Exception {
    DeployedVm vm = vm(web);
    assertThat(snapshots().list(vm, scope)).isEmpty();
    assertThat(snapshots().save(vm, "base", true, scope)).isEqualTo("base");
    assertThat(snapshots().save(vm, "after <install> & co", false, scope))
        .isEqualTo("base/after <install> & co");
    assertThat(snapshots().list(vm, scope)).containsExactly("base", "base/after <install> & co");

    assertThatThrownBy(() -> snapshots().save(vm, "base", true, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("already has a snapshot named"
            + " 'base'");
    assertThatThrownBy(() -> snapshots().restore(vm, "nope", scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no snapshot 'nope'")
        .hasMessageContaining("its snapshots: base, base/after <install> & co");
    assertThatThrownBy(() -> snapshots().restore(vm, "other/base", scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no snapshot 'other/base'");

    snapshots().restore(vm, "base", scope);
    assertThat(domain(web).isActive()).as("a snapshot with memory restores running")
        .isEqualTo(1);
    snapshots().restore(vm, "base/after <install> & co", scope);
    assertThat(domain(web).isActive()).as("a snapshot without memory restores powered off")
        .isZero();

    snapshots().remove(vm, "base/after <install> & co", false, scope);
    assertThat(snapshots().list(vm, scope)).containsExactly("base");
    snapshots().remove(vm, "base/after <install> & co", false, scope); // gone: success

    snapshots().save(vm, "child", false, scope);
    snapshots().restore(vm, "base", scope);
    snapshots().save(vm, "sibling", true, scope);
    assertThat(snapshots().list(vm, scope)).containsExactly("base", "base/child",
        "base/sibling");
    snapshots().remove(vm, "base", true, scope);
    assertThat(snapshots().list(vm, scope)).isEmpty();
  }

  @Test
  void removingAParentKeepsItsChildren() {
    DeployedVm vm = vm(web);
    snapshots().save(vm, "a", true, scope);
    snapshots().save(vm, "b", true, scope);
    snapshots().remove(vm, "a", false, scope);
    assertThat(snapshots().list(vm, scope)).containsExactly("b");
  }

  @Test
  void aKernelVmHasNoDiskToSnapshotOrSave() {
    JsonNode db = bed.deploy("act-db", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    assertThatThrownBy(() -> snapshots().save(vm(db), "s", true, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("has no qcow2 disk");
    assertThatThrownBy(() -> backend.savedApps().orElseThrow().save(saveRequest(db), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no disk volume to save");
  }

  private static SavedAppService.SaveAppRequest saveRequest(JsonNode deployed) {
    return new SavedAppService.SaveAppRequest("act-save", "sbx-42", deployed.path("vmUuid")
        .asText(), "web", "KVM VM From Template", Map.of("Template", "tmpl.qcow2", "CPU", "2",
        "RAM", "512", "Wait for IP", "False"));
  }

  @Test
  void saveAppMakesAFlatTemplateVolumeMarkedWithTheSandboxAndDeleteRemovesIt() throws Exception {
    SavedAppService saved = backend.savedApps().orElseThrow();
    SavedApp app = saved.save(saveRequest(web), scope);

    assertThat(app.deploymentPath()).isEqualTo("KVM VM From Template");
    assertThat(app.artifacts()).hasSize(1);
    String volume = app.artifacts().get(0).name();
    assertThat(volume).matches("saved-sbx-42-web-[0-9a-f]{8}\\.qcow2");
    assertThat(app.savedEntityAttributes()).containsEntry("Template", volume)
        .containsEntry("CPU", "2").containsEntry("RAM", "512").containsEntry("Wait for IP",
            "False");
    assertThat(bed.volumes()).contains(volume);
    String xml = bed.libvirt().storagePoolLookupByName("hangar-pool")
        .storageVolLookupByName(volume).getXMLDesc(0);
    assertThat(xml).as("flattened: no backing file").doesNotContain("backingStore");
    assertThat(domain(web).isActive()).as("the VM runs again after the copy").isEqualTo(1);
    assertThat(backend.attributeAdvisor().orElseThrow().hints(
        DeploymentOptions.KVM_FROM_TEMPLATE, "Template", Map.of(), scope))
        .as("a saved app is a template; VM disks are not")
        .containsExactly(volume, "tmpl.qcow2");

    SavedAppService.DeleteSavedAppRequest delete = new SavedAppService.DeleteSavedAppRequest(
        "act-del", "sbx-42", "web", app.artifacts());
    saved.delete(delete, scope);
    assertThat(bed.volumes()).doesNotContain(volume);
    saved.delete(delete, scope); // already gone: success

    SavedAppService.DeleteSavedAppRequest foreign = new SavedAppService.DeleteSavedAppRequest(
        "act-del2", "sbx-other", "web", app.artifacts());
    assertThatThrownBy(() -> saved.delete(foreign, scope)).isInstanceOf(ClientException.class)
        .hasMessageContaining("is not a saved app of sandbox sbx-other");
  }

  @Test
  void saveAppOfAVmThatIsGoneSaysSo() {
    bed.driver.deleteInstance(bed.remote(web));
    assertThatThrownBy(() -> backend.savedApps().orElseThrow().save(saveRequest(web), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no longer exists")
        .hasMessageContaining(web.path("vmUuid").asText());
  }

  @Test
  void reconfigureChangesCpuAndMemoryOfAStoppedVmOnly() throws Exception {
    DeployedVm vm = vm(web);
    VmReshape cpuRam = new VmReshape(OptionalInt.of(2), OptionalLong.of(1024), Map.of());
    assertThatThrownBy(() -> backend.compute().reconfigure(vm, cpuRam, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("is running")
        .hasMessageContaining("power it off");
    bed.driver.powerOff(bed.remote(web));
    backend.compute().reconfigure(vm, cpuRam, scope);
    DomainView view = DomainView.parse(domain(web).getXMLDesc(0));
    assertThat(view.vcpus()).isEqualTo(2);
    assertThat(view.memoryKiB()).isEqualTo(1024 * 1024);
    assertThat(view.metadata()).as("Hangar's metadata survives the redefinition").isNotNull();
    bed.driver.powerOn(bed.remote(web));
    assertThat(domain(web).getMaxMemory()).isEqualTo(1024 * 1024);
  }

  @Test
  void disksNeverShrinkAndOnlyTheNextNumberIsNew() {
    DeployedVm vm = vm(web);
    assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(OptionalInt.empty(),
        OptionalLong.empty(), Map.of(1, 1L)), scope)).isInstanceOf(ClientException.class)
        .hasMessageContaining("disk 1 (vda) is 2 GB; a disk only grows, it cannot shrink to 1"
            + " GB");
    assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(OptionalInt.empty(),
        OptionalLong.empty(), Map.of(3, 5L)), scope)).isInstanceOf(ClientException.class)
        .hasMessageContaining("has 1 disk: disk 3 does not exist, and the next new disk is"
            + " number 2");
    backend.compute().reconfigure(vm, new VmReshape(OptionalInt.empty(), OptionalLong.empty(),
        Map.of(1, 2L)), scope); // the same size: nothing to do
  }

  @Test
  void aFailingStepUndoesTheEarlierOnes() throws Exception {
    DeployedVm vm = vm(web);
    bed.driver.powerOff(bed.remote(web));
    List<String> volumes = bed.volumes();
    // The test driver cannot resize volumes: the growth, the last step, fails after the vCPUs,
    // the memory, a new disk (volume, definition, metadata) were changed; all are undone.
    assertThatThrownBy(() -> backend.compute().reconfigure(vm, new VmReshape(OptionalInt.of(2),
        OptionalLong.of(1024), Map.of(1, 3L, 2, 1L)), scope))
        .hasMessageContaining("could not reconfigure").hasMessageContaining("virStorageVolResize")
        .hasMessageNotContaining("could not undo");
    DomainView view = DomainView.parse(domain(web).getXMLDesc(0));
    assertThat(view.vcpus()).isEqualTo(1);
    assertThat(view.memoryKiB()).isEqualTo(512 * 1024);
    assertThat(view.disks()).hasSize(1);
    assertThat(view.metadata().volumes()).hasSize(1);
    assertThat(bed.volumes()).containsExactlyInAnyOrderElementsOf(volumes);
  }

  @Test
  void theConsoleOfARunningVmAndNoneForAStoppedOne() throws Exception {
    DeployedVm vm = vm(web);
    assertThat(domain(web).getXMLDesc(0)).contains("<graphics type='vnc'")
        .contains("address='127.0.0.1'");
    ConsoleAccess c = backend.compute().console(vm, scope);
    String uuid = web.path("vmUuid").asText();
    // The test driver opens no VNC port: the serial console is what there is.
    assertThat(c.kind()).isEqualTo("serial");
    assertThat(c.command()).isEqualTo("virsh -c '" + bed.uri + "' console " + uuid);
    bed.driver.powerOff(bed.remote(web));
    assertThatThrownBy(() -> backend.compute().console(vm, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("is powered off");
  }

  @Test
  void validateNamesAMissingTemplateAndHintsListTemplatesOnly() {
    var advisor = backend.attributeAdvisor().orElseThrow();
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_TEMPLATE,
        Map.of("Template", "tmpl.qcow2"), scope)).isEmpty();
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_TEMPLATE,
        Map.of("Template", "nope.qcow2"), scope)).containsExactly("Template 'nope.qcow2' is not"
        + " a volume of storage pool 'hangar-pool' on " + bed.uri);
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_KERNEL,
        Map.of("Kernel", "/boot/vmlinuz"), scope)).isEmpty();
    assertThat(advisor.hints(DeploymentOptions.KVM_FROM_TEMPLATE, "Template", Map.of(), scope))
        .as("the web VM's disk is not a template").containsExactly("tmpl.qcow2");
    assertThat(advisor.hints(DeploymentOptions.KVM_FROM_TEMPLATE, "CPU", Map.of(), scope))
        .isEmpty();

    Map<String, String> down = new LinkedHashMap<>(bed.attributes);
    down.put("Hangar Cloud Provider.Hypervisors", "qemu+tcp://127.0.0.1:1/system");
    var unreachable = bed.provider.open(new ProviderResource("prov", "Hangar Cloud Provider",
        down), scope).attributeAdvisor().orElseThrow();
    assertThat(unreachable.validate(DeploymentOptions.KVM_FROM_TEMPLATE,
        Map.of("Template", "tmpl.qcow2"), scope)).singleElement().asString()
        .startsWith("Template 'tmpl.qcow2' could not be checked: no hypervisor answered")
        .contains("127.0.0.1:1");
  }
}
