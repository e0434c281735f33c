package dev.hangar.driver.aws;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.CommandScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.EbsInstanceBlockDeviceSpecification;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;

/**
 * The EBS volumes of an instance: their order as disks (disk 1 is the root volume, the others
 * follow by device name), volumes made from a snapshot or empty (tagged in CreateVolume itself),
 * attach and detach with bounded, cancellable waits for the volume's state.
 */
final class Volumes {
  /** The device names EC2 uses for a root volume, when the instance's own name matches none. */
  private static final Set<String> ROOT_NAMES = Set.of("/dev/sda1", "/dev/xvda");
  /** Where data volumes go: /dev/sdf to /dev/sdp, as EC2 recommends for Linux. */
  private static final String DATA_LETTERS = "fghijklmnop";
  private final Ec2Session s;

  Volumes(Ec2Session s) {
    this.s = s;
  }

  /** One EBS disk of an instance: its device and volume id. */
  record Disk(String device, String volumeId, boolean deleteOnTermination) {}

  /**
   * The instance's EBS disks in disk-number order: the root volume first (the mapping at the
   * instance's root device name, else at /dev/sda1 or /dev/xvda), then the others by device.
   */
  static List<Disk> disks(Instance i) {
    List<InstanceBlockDeviceMapping> ebs = i.blockDeviceMappings().stream()
        .filter(m -> m.ebs() != null && m.ebs().volumeId() != null).toList();
    boolean rootNamed = ebs.stream().anyMatch(m -> m.deviceName().equals(i.rootDeviceName()));
    Comparator<InstanceBlockDeviceMapping> order = Comparator.comparing(
        (InstanceBlockDeviceMapping m) -> rootNamed ? !m.deviceName().equals(i.rootDeviceName())
            : !ROOT_NAMES.contains(m.deviceName()))
        .thenComparing(InstanceBlockDeviceMapping::deviceName);
    return ebs.stream().sorted(order).map(m -> new Disk(m.deviceName(), m.ebs().volumeId(),
        Boolean.TRUE.equals(m.ebs().deleteOnTermination()))).toList();
  }

  /** The first /dev/sd[f-p] no mapping of the instance uses (nor its xvd twin). */
  static String nextFreeDevice(Instance i, Set<String> alsoTaken) {
    List<String> used = new ArrayList<>(alsoTaken);
    i.blockDeviceMappings().forEach(m -> used.add(m.deviceName()));
    for (char c : DATA_LETTERS.toCharArray()) {
      String sd = "/dev/sd" + c;
      if (!used.contains(sd) && !used.contains("/dev/xvd" + c) && !used.contains("xvd" + c)) {
        return sd;
      }
    }
    return null;
  }

  /** The volumes by id (one DescribeVolumes). */
  Map<String, Volume> byIds(String what, List<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<String, Volume> out = new java.util.HashMap<>();
    s.call(what, () -> s.ec2().describeVolumes(q -> q.volumeIds(ids)).volumes())
        .forEach(v -> out.put(v.volumeId(), v));
    return out;
  }

  /**
   * A new volume in {@code zone}, from {@code snapshotId} (null: empty, of {@code sizeGib}),
   * tagged in the call.
   */
  String create(String zone, String snapshotId, Integer sizeGib, Map<String, String> tags) {
    String what = snapshotId != null ? "create a volume from snapshot " + snapshotId
        : "create a " + sizeGib + " GiB volume";
    return s.call(what, () -> s.ec2().createVolume(q -> q.availabilityZone(zone)
        .snapshotId(snapshotId).size(sizeGib)
        .tagSpecifications(Tags.spec(ResourceType.VOLUME, tags))).volumeId());
  }

  void attach(String volumeId, String instanceId, String device, CommandScope scope) {
    s.run("attach volume " + volumeId + " to " + instanceId + " at " + device, () -> s.ec2()
        .attachVolume(q -> q.volumeId(volumeId).instanceId(instanceId).device(device)));
    await(volumeId, VolumeState.IN_USE, scope);
  }

  /** Detaches the volume and waits until it is free; a volume already detached or gone is done. */
  void detach(String volumeId, String instanceId, CommandScope scope) {
    try {
      s.ec2().detachVolume(q -> q.volumeId(volumeId).instanceId(instanceId));
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        return;
      }
      // IncorrectState: it is not attached (any more); the wait below says how it is.
      if (!"IncorrectState".equals(Ec2Errors.code(e))) {
        throw Ec2Errors.wrap("detach volume " + volumeId + " from " + instanceId, e,
            s.settings());
      }
    }
    await(volumeId, VolumeState.AVAILABLE, scope);
  }

  /** Deletes the volume once it is free; already gone is success. */
  void delete(String volumeId, CommandScope scope) {
    s.deleteWhenFree("delete volume " + volumeId, () -> s.ec2().deleteVolume(q -> q
        .volumeId(volumeId)), s.deadline(s.timeouts().cleanup()), scope);
  }

  /** Makes terminating the instance delete the volumes at these devices too. */
  void deleteOnTermination(String instanceId, List<String> devices) {
    if (devices.isEmpty()) {
      return;
    }
    List<InstanceBlockDeviceMappingSpecification> specs = devices.stream().map(d ->
        InstanceBlockDeviceMappingSpecification.builder().deviceName(d).ebs(
            EbsInstanceBlockDeviceSpecification.builder().deleteOnTermination(true).build())
            .build()).toList();
    s.run("mark the volumes at " + String.join(", ", devices) + " of " + instanceId
        + " delete-on-termination", () -> s.ec2().modifyInstanceAttribute(q -> q
            .instanceId(instanceId).blockDeviceMappings(specs)));
  }

  /** Waits (bounded, cancellable) until the volume is in {@code target}. */
  void await(String volumeId, VolumeState target, CommandScope scope) {
    Duration bound = s.timeouts().running();
    long deadline = s.deadline(bound);
    String last = "";
    for (int attempt = 0; ; attempt++) {
      List<Volume> found;
      try {
        found = s.ec2().describeVolumes(q -> q.volumeIds(volumeId)).volumes();
      } catch (SdkException e) {
        if (!Ec2Errors.notFound(e)) {
          throw Ec2Errors.wrap("read volume " + volumeId, e, s.settings());
        }
        found = List.of();
      }
      if (!found.isEmpty()) {
        VolumeState state = found.get(0).state();
        if (state == target) {
          return;
        }
        if (state == VolumeState.ERROR || state == VolumeState.DELETED) {
          throw BackendException.failed("volume " + volumeId + " is " + state + " (waiting for it"
              + " to be " + target + ")", null);
        }
        last = String.valueOf(state);
      } else {
        last = "not visible yet";
      }
      if (s.now() >= deadline) {
        throw Ec2Session.timedOut("volume " + volumeId + " becoming " + target, bound, last);
      }
      s.pause(scope, "volume " + volumeId + " becoming " + target, attempt);
    }
  }

  /** A scope for undo steps: their waits never stop for the command's cancellation. */
  static CommandScope uncancellable(CommandScope scope) {
    return new CommandScope(scope.command(), null, null, CancellationContext.NONE, null);
  }
}
