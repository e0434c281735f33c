package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * EBS snapshots of a deployed app on moto, through the AWS backend's SnapshotService: save
 * (tagged in the CreateSnapshots call), list oldest first, restore (a new volume from the
 * snapshot really replaces the root volume at its device, the old one is deleted, the instance
 * runs again), remove (twice), and the errors a user gets. DeleteInstance and Cleanup then leave
 * moto as it was: the restored volume goes with the instance.
 */
class AwsSnapshotsTest {
  private final AwsAppFixture f = new AwsAppFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void saveListRestoreRemove() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    SnapshotService snapshots = f.open("remote_save_snapshot").snapshots().orElseThrow();
    CommandScope scope = f.scope("remote_save_snapshot");
    Instance before = f.instance(vm.uid());
    InstanceBlockDeviceMapping root = before.blockDeviceMappings().get(0);
    String oldVolume = root.ebs().volumeId();

    assertThat(snapshots.list(vm, scope)).isEmpty();
    int calls = f.bed.moto.recorded().size();
    assertThat(snapshots.save(vm, "base", false, scope)).isEqualTo("base");
    // DescribeInstances, DescribeSnapshots (the names it has), CreateSnapshots.
    assertThat(f.bed.moto.recorded()).hasSize(calls + 3);
    assertThat(snapshots.save(vm, "after install", false, scope)).isEqualTo("after install");
    assertThat(snapshots.list(vm, scope)).containsExactly("base", "after install");

    List<Snapshot> base = ebs(vm.uid(), "base");
    assertThat(base).hasSize(1);
    Map<String, String> tags = tags(base.get(0).tags());
    assertThat(base.get(0).volumeId()).isEqualTo(oldVolume);
    assertThat(tags).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX)
        .containsEntry(Tags.ROLE, Tags.ROLE_SNAPSHOT).containsEntry(Tags.INSTANCE, vm.uid())
        .containsEntry(Tags.SNAPSHOT, "base")
        .containsEntry(Tags.DEVICE_PREFIX + oldVolume, root.deviceName());
    assertThat(f.bed.moto.requests("CreateSnapshots")).hasSize(2);
    assertThat(f.bed.moto.requests("CreateTags")).isEmpty();

    snapshots.restore(vm, "base", scope);
    Instance after = f.instance(vm.uid());
    assertThat(after.state().name()).isEqualTo(InstanceStateName.RUNNING);
    InstanceBlockDeviceMapping restored = after.blockDeviceMappings().stream()
        .filter(m -> m.deviceName().equals(root.deviceName())).findFirst().orElseThrow();
    String newVolume = restored.ebs().volumeId();
    assertThat(newVolume).isNotEqualTo(oldVolume);
    assertThat(restored.ebs().deleteOnTermination()).isTrue();
    Volume v = f.ec2.describeVolumes(q -> q.volumeIds(newVolume)).volumes().get(0);
    assertThat(v.snapshotId()).isEqualTo(base.get(0).snapshotId());
    assertThat(v.availabilityZone()).isEqualTo(before.placement().availabilityZone());
    assertThat(tags(v.tags())).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX)
        .containsEntry(Tags.INSTANCE, vm.uid());
    assertThat(f.ec2.describeVolumes().volumes()).extracting(Volume::volumeId)
        .doesNotContain(oldVolume);
    assertThat(f.bed.moto.requests("StopInstances")).hasSize(1);
    assertThat(f.bed.moto.requests("StartInstances")).hasSize(1);

    // The snapshots were of the old volume; they still restore (to yet another volume).
    snapshots.restore(vm, "after install", scope);
    assertThat(f.instance(vm.uid()).blockDeviceMappings()).extracting(m -> m.ebs().volumeId())
        .doesNotContain(oldVolume, newVolume).hasSize(1);

    snapshots.remove(vm, "after install", true, scope);
    assertThat(snapshots.list(vm, scope)).containsExactly("base");
    assertThat(ebs(vm.uid(), "after install")).isEmpty();
    snapshots.remove(vm, "after install", false, scope);
    snapshots.remove(vm, "base", false, scope);
    assertThat(snapshots.list(vm, scope)).isEmpty();
  }

  @Test
  void badInputGetsClearErrors() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    SnapshotService snapshots = f.open("remote_save_snapshot").snapshots().orElseThrow();
    CommandScope scope = f.scope("remote_save_snapshot");
    String rootVolume = f.instance(vm.uid()).blockDeviceMappings().get(0).ebs().volumeId();

    assertThatThrownBy(() -> snapshots.restore(vm, "nope", scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no snapshot 'nope'")
        .hasMessageContaining("it has none");
    assertThatThrownBy(() -> snapshots.save(vm, "mem", true, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("memory 'No'");
    snapshots.save(vm, "one", false, scope);
    snapshots.save(vm, "two", false, scope);
    assertThatThrownBy(() -> snapshots.save(vm, "one", false, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("already has a snapshot"
            + " named 'one'");
    assertThatThrownBy(() -> snapshots.restore(vm, "three", scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("it has: one, two");
    // A failed restore changed nothing.
    assertThat(f.instance(vm.uid()).blockDeviceMappings().get(0).ebs().volumeId())
        .isEqualTo(rootVolume);
    assertThat(f.bed.moto.requests("StopInstances")).isEmpty();

    DeployedVm gone = new DeployedVm("ghost", "i-0123456789abcdef0", null, null);
    assertThatThrownBy(() -> snapshots.save(gone, "x", false, scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no longer exists");
    assertThat(snapshots.list(gone, scope)).isEmpty();
    snapshots.remove(gone, "x", false, scope);

    snapshots.remove(vm, "one", false, scope);
    snapshots.remove(vm, "two", false, scope);
  }

  @Test
  void aStoppedAppIsRestoredStopped() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    SnapshotService snapshots = f.open("remote_restore_snapshot").snapshots().orElseThrow();
    CommandScope scope = f.scope("remote_restore_snapshot");
    snapshots.save(vm, "base", false, scope);
    f.powerOff("web", web);
    int starts = f.bed.moto.requests("StartInstances").size();
    String old = f.instance(vm.uid()).blockDeviceMappings().get(0).ebs().volumeId();
    snapshots.restore(vm, "base", scope);
    Instance after = f.instance(vm.uid());
    assertThat(after.state().name()).isEqualTo(InstanceStateName.STOPPED);
    assertThat(after.blockDeviceMappings().get(0).ebs().volumeId()).isNotEqualTo(old);
    assertThat(f.bed.moto.requests("StartInstances")).hasSize(starts);
    snapshots.remove(vm, "base", false, scope);
  }

  @Test
  void aCancelledRestoreOfTwoVolumesPutsTheInstanceBack() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    var backend = f.open("remote_restore_snapshot");
    SnapshotService snapshots = backend.snapshots().orElseThrow();
    CommandScope scope = f.scope("remote_restore_snapshot");
    backend.compute().reconfigure(vm, new VmReshape(OptionalInt.empty(), OptionalLong.empty(),
        Map.of(2, 3L)), scope);
    snapshots.save(vm, "two disks", false, scope);
    assertThat(ebs(vm.uid(), "two disks")).hasSize(2);
    List<String> volumes = f.instance(vm.uid()).blockDeviceMappings().stream()
        .map(m -> m.ebs().volumeId()).toList();
    int made = f.bed.moto.requests("CreateVolume").size();

    // The caller gives up once the restore has made its first new volume.
    CommandScope cancelling = new CommandScope("remote_restore_snapshot",
        f.bed.resource().sandbox(), f.bed.api,
        () -> f.bed.moto.requests("CreateVolume").size() > made, new SecretRedactor());
    assertThatThrownBy(() -> snapshots.restore(vm, "two disks", cancelling))
        .isInstanceOf(CommandCancelledException.class);
    assertThat(f.bed.moto.requests("CreateVolume")).hasSize(made + 1);
    Instance after = f.instance(vm.uid());
    assertThat(after.state().name()).isEqualTo(InstanceStateName.RUNNING);
    assertThat(after.blockDeviceMappings()).extracting(m -> m.ebs().volumeId())
        .containsExactlyInAnyOrderElementsOf(volumes);
    assertThat(f.ec2.describeVolumes().volumes()).extracting(Volume::volumeId)
        .containsExactlyInAnyOrderElementsOf(volumes);
    snapshots.remove(vm, "two disks", false, scope);
  }

  private List<Snapshot> ebs(String instanceId, String name) {
    return f.ec2.describeSnapshots(q -> q.ownerIds("self").filters(
        Tags.tag(Tags.INSTANCE, instanceId), Tags.tag(Tags.SNAPSHOT, name))).snapshots();
  }

  static Map<String, String> tags(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }
}
