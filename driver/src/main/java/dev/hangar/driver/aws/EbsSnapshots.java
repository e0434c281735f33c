package dev.hangar.driver.aws;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.Rollback;
import dev.hangar.driver.spi.SnapshotService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.VolumeState;

/**
 * Snapshots of an EC2 instance as EBS snapshots. One Hangar snapshot is the set of EBS snapshots
 * that one CreateSnapshots made of every EBS volume of the instance (crash-consistent across
 * them), all tagged in that call: the sandbox, the instance ({@link Tags#INSTANCE}), the name
 * ({@link Tags#SNAPSHOT}), and for each volume the device it was attached at, so a restore knows
 * where each goes. The state is in those tags: nothing is kept between commands.
 *
 * <p>EBS snapshots form no tree: a path is the snapshot's name alone, list gives the names oldest
 * first, and remove's "with children" has none to remove. They hold disks only: a save with
 * memory is a client error.
 *
 * <p>A restore powers the instance off (EC2 detaches a root volume only from a stopped instance),
 * makes a new volume from each snapshot in the instance's zone, swaps it in at the same device,
 * starts the instance again if it was running, then deletes the volumes it replaced. A failure
 * puts the old volumes back and deletes the new ones.
 */
final class EbsSnapshots implements SnapshotService {
  /** EC2 allows 50 tags per snapshot; the snapshot's own take 7. */
  private static final int MAX_VOLUMES = 43;
  private final Ec2Session s;
  private final Instances instances;
  private final Volumes volumes;

  EbsSnapshots(Ec2Session s) {
    this.s = s;
    this.instances = new Instances(s);
    this.volumes = new Volumes(s);
  }

  @Override
  public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
    if (withMemory) {
      throw new ClientException("snapshot '" + name + "' of app '" + vm.resourceName() + "': EBS"
          + " snapshots keep the disks only, not the memory; save it with memory 'No'");
    }
    if (name.length() > 200) {
      throw new ClientException("snapshot name of app '" + vm.resourceName() + "' is longer than"
          + " 200 characters");
    }
    Instance i = existing(vm);
    List<Volumes.Disk> disks = Volumes.disks(i);
    if (disks.isEmpty()) {
      throw new ClientException("instance " + i.instanceId() + " of app '" + vm.resourceName()
          + "' has no EBS volume to snapshot");
    }
    if (disks.size() > MAX_VOLUMES) {
      throw new ClientException("instance " + i.instanceId() + " has " + disks.size()
          + " volumes; Hangar snapshots instances with at most " + MAX_VOLUMES);
    }
    Map<String, List<Snapshot>> sets = sets(vm);
    if (sets.containsKey(name)) {
      throw new ClientException("app '" + vm.resourceName() + "' already has a snapshot named '"
          + name + "'; remove it first or choose another name");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(Tags.INSTANCE, i.instanceId());
    extra.put(Tags.SNAPSHOT, name);
    extra.put(Tags.APP, shorten(vm.resourceName() == null ? "" : vm.resourceName()));
    // EBS start times may tie (some peers keep whole seconds): the save order is kept apart.
    extra.put(Tags.TAKEN, String.format("%015d", System.currentTimeMillis()));
    disks.forEach(d -> extra.put(Tags.DEVICE_PREFIX + d.volumeId(), d.device()));
    Map<String, String> tags = Tags.ofInstance(i.tags(), scope.reservationId(),
        Tags.ROLE_SNAPSHOT, shorten(vm.resourceName() + "/" + name), extra);
    scope.checkCancelled("snapshotting " + i.instanceId());
    scope.progress("taking snapshot '" + name + "' of " + disks.size() + " volume(s) of "
        + i.instanceId());
    s.run("snapshot the volumes of " + i.instanceId(), () -> s.ec2().createSnapshots(q -> q
        .instanceSpecification(InstanceSpecification.builder().instanceId(i.instanceId())
            .excludeBootVolume(false).build())
        .description(shorten("Hangar snapshot '" + name + "' of app '" + vm.resourceName()
            + "'"))
        .tagSpecifications(Tags.spec(ResourceType.SNAPSHOT, tags))));
    return name;
  }

  /** The snapshot names, oldest first (by when they were saved, then EBS start time). */
  @Override
  public List<String> list(DeployedVm vm, CommandScope scope) {
    return new ArrayList<>(sets(vm).keySet());
  }

  @Override
  public void restore(DeployedVm vm, String path, CommandScope scope) {
    Map<String, List<Snapshot>> sets = sets(vm);
    List<Snapshot> named = sets.get(path);
    if (named == null) {
      throw new ClientException("app '" + vm.resourceName() + "' has no snapshot '" + path
          + "'; " + (sets.isEmpty() ? "it has none" : "it has: "
              + String.join(", ", sets.keySet())));
    }
    // Two saves of one name that raced each other: the newer one is the snapshot.
    String newest = named.stream().map(x -> Tags.value(x.tags(), Tags.TAKEN))
        .max(Comparator.naturalOrder()).orElse("");
    List<Snapshot> set = named.stream().filter(x -> newest.equals(Tags.value(x.tags(),
        Tags.TAKEN))).toList();
    for (Snapshot snap : set) {
      if (snap.state() != SnapshotState.COMPLETED) {
        throw new BackendException("snapshot '" + path + "' is not complete yet (EBS snapshot "
            + snap.snapshotId() + " is " + snap.state() + ", " + snap.progress() + "); retry"
            + " later", true, false, null);
      }
    }
    Instance i = existing(vm);
    Map<String, String> deviceOf = new LinkedHashMap<>();
    for (Snapshot snap : set) {
      String device = Tags.value(snap.tags(), Tags.DEVICE_PREFIX + snap.volumeId());
      if (device.isEmpty()) {
        throw BackendException.failed("EBS snapshot " + snap.snapshotId() + " of snapshot '"
            + path + "' does not say which device its volume was at (tag "
            + Tags.DEVICE_PREFIX + snap.volumeId() + ")", null);
      }
      deviceOf.put(snap.snapshotId(), device);
    }
    new Swap(vm, i, path, scope).run(set, deviceOf);
  }

  /** Deletes the EBS snapshots of the set; already gone is success. */
  @Override
  public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
    List<Snapshot> set = sets(vm).get(path);
    if (set == null) {
      return;
    }
    for (Snapshot snap : set) {
      s.delete("delete EBS snapshot " + snap.snapshotId() + " of snapshot '" + path + "'",
          () -> s.ec2().deleteSnapshot(q -> q.snapshotId(snap.snapshotId())));
    }
  }

  /** The instance's snapshot sets by name, oldest first; one DescribeSnapshots. */
  private Map<String, List<Snapshot>> sets(DeployedVm vm) {
    List<Snapshot> all = s.call("list the snapshots of " + vm.uid(), () -> s.ec2()
        .describeSnapshotsPaginator(q -> q.ownerIds("self").filters(
            Tags.tag(Tags.INSTANCE, vm.uid()), Tags.role(Tags.ROLE_SNAPSHOT))).snapshots()
        .stream().toList());
    Map<String, List<Snapshot>> byName = new TreeMap<>();
    for (Snapshot snap : all) {
      byName.computeIfAbsent(Tags.value(snap.tags(), Tags.SNAPSHOT), k -> new ArrayList<>())
          .add(snap);
    }
    byName.remove("");
    Map<String, List<Snapshot>> ordered = new LinkedHashMap<>();
    Comparator<List<Snapshot>> age = Comparator.comparing(set -> Tags.value(set.get(0).tags(),
        Tags.TAKEN));
    age = age.thenComparing(set -> set.stream().map(Snapshot::startTime)
        .filter(t -> t != null).min(Comparator.naturalOrder()).orElse(Instant.EPOCH));
    Comparator<List<Snapshot>> oldest = age;
    byName.entrySet().stream().sorted((a, b) -> oldest.compare(a.getValue(), b.getValue()))
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }

  private Instance existing(DeployedVm vm) {
    return instances.get(vm.uid()).orElseThrow(() -> new ClientException("instance " + vm.uid()
        + " of app '" + vm.resourceName() + "' no longer exists in region "
        + s.settings().region()));
  }

  private static String shorten(String text) {
    return text.length() > 255 ? text.substring(0, 255) : text;
  }

  /** One restore: the volume swap with its rollback. */
  private final class Swap {
    private final DeployedVm vm;
    private final Instance instance;
    private final String path;
    private final CommandScope scope;
    private final CommandScope undoScope;
    private final Rollback rollback = new Rollback();

    Swap(DeployedVm vm, Instance instance, String path, CommandScope scope) {
      this.vm = vm;
      this.instance = instance;
      this.path = path;
      this.scope = scope;
      this.undoScope = Volumes.uncancellable(scope);
    }

    void run(List<Snapshot> set, Map<String, String> deviceOf) {
      String id = instance.instanceId();
      Map<String, Volumes.Disk> current = new LinkedHashMap<>();
      Volumes.disks(instance).forEach(d -> current.put(d.device(), d));
      InstanceStateName state = instance.state().name();
      boolean wasRunning = state == InstanceStateName.RUNNING
          || state == InstanceStateName.PENDING;
      List<String> replaced = new ArrayList<>();
      try {
        if (state != InstanceStateName.STOPPED) {
          scope.progress("stopping " + id + " to restore snapshot '" + path + "'");
          powerOff();
        }
        if (wasRunning) {
          rollback.push("start instance " + id, this::start);
        }
        String zone = instance.placement().availabilityZone();
        Map<String, String> made = new LinkedHashMap<>();
        for (Snapshot snap : set) {
          scope.checkCancelled("restoring snapshot '" + path + "'");
          String device = deviceOf.get(snap.snapshotId());
          String volumeId = volumes.create(zone, snap.snapshotId(), null,
              Tags.ofInstance(instance.tags(), scope.reservationId(), Tags.ROLE_VOLUME,
                  shorten(vm.resourceName() + " " + device), Map.of(Tags.INSTANCE, id,
                      Tags.SNAPSHOT, path)));
          rollback.push("delete volume " + volumeId, () -> volumes.delete(volumeId, undoScope));
          made.put(device, volumeId);
        }
        for (Map.Entry<String, String> e : made.entrySet()) {
          volumes.await(e.getValue(), VolumeState.AVAILABLE, scope);
        }
        for (Map.Entry<String, String> e : made.entrySet()) {
          String device = e.getKey();
          String volumeId = e.getValue();
          Volumes.Disk old = current.get(device);
          if (old != null) {
            scope.progress("swapping volume " + old.volumeId() + " at " + device + " for "
                + volumeId);
            volumes.detach(old.volumeId(), id, scope);
            rollback.push("attach volume " + old.volumeId() + " at " + device + " again",
                () -> volumes.attach(old.volumeId(), id, device, undoScope));
            replaced.add(old.volumeId());
          }
          volumes.attach(volumeId, id, device, scope);
          rollback.push("detach volume " + volumeId, () -> volumes.detach(volumeId, id,
              undoScope));
        }
        // AttachVolume leaves DeleteOnTermination off: without this, DeleteInstance would
        // leave the restored volumes behind.
        volumes.deleteOnTermination(id, new ArrayList<>(made.keySet()));
        if (wasRunning) {
          scope.progress("starting " + id + " from snapshot '" + path + "'");
          start();
        }
        rollback.commit();
      } catch (RuntimeException e) {
        throw rollback.undoAfter(e);
      }
      // Restored: the replaced volumes go, as a restore discards what was written after the
      // snapshot (keeping them would leak one volume per restore).
      for (String old : replaced) {
        try {
          volumes.delete(old, undoScope);
        } catch (HangarException e) {
          throw BackendException.failed("restored snapshot '" + path + "' of app '"
              + vm.resourceName() + "', but the volume it replaced was not deleted: "
              + e.getMessage() + "; delete volume " + old + " by hand", e);
        }
      }
    }

    private void powerOff() {
      String id = instance.instanceId();
      if (instance.state().name() == InstanceStateName.PENDING) {
        // EC2 refuses to stop an instance that is still starting.
        instances.await(id, InstanceStateName.RUNNING, false, s.timeouts().running(), scope);
      }
      s.run("stop instance " + id, () -> s.ec2().stopInstances(q -> q.instanceIds(id)));
      instances.await(id, InstanceStateName.STOPPED, false, s.timeouts().stopped(), scope);
    }

    private void start() {
      String id = instance.instanceId();
      s.run("start instance " + id, () -> s.ec2().startInstances(q -> q.instanceIds(id)));
      instances.await(id, InstanceStateName.RUNNING, false, s.timeouts().running(), undoScope);
    }
  }
}
