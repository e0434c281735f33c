package dev.hangar.driver.aws;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.Rollback;
import dev.hangar.driver.spi.VmReshape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * reconfigure_vm on EC2. CPUs and memory become an instance type: the smallest type of the
 * current type's family (the part before the dot, "t3" of "t3.micro") with at least the asked
 * vCPUs and MiB (a part not asked keeps the current type's), smallest by vCPUs, then memory,
 * then name. EC2 changes the type of a stopped instance only, so a running one gets a client
 * error saying to power it off (Hangar does not stop an app behind its user's back).
 *
 * <p>Disks are numbered as vCenter's "Hard Disk N": 1 is the root volume, the others follow by
 * device name. A disk grows with ModifyVolume, live (the guest then grows its file system); a
 * smaller size is a client error naming both sizes. Numbers just past the last disk add new
 * volumes (EC2's default type) at the next free /dev/sd[f-p], tagged in CreateVolume and
 * deleted with the instance.
 * Everything is checked before anything changes; new volumes are rolled back on failure.
 */
final class InstanceReshaper {
  private final Ec2Session s;
  private final Volumes volumes;

  InstanceReshaper(Ec2Session s) {
    this.s = s;
    this.volumes = new Volumes(s);
  }

  /** A disk to grow. */
  private record Growth(int number, String volumeId, int fromGib, int toGib) {}

  void reshape(Instance i, DeployedVm vm, VmReshape change, CommandScope scope) {
    String id = i.instanceId();
    String type = change.cpus().isPresent() || change.memoryMib().isPresent()
        ? targetType(i, change) : i.instanceTypeAsString();
    boolean retype = !type.equals(i.instanceTypeAsString());
    if (retype && i.state().name() != InstanceStateName.STOPPED) {
      throw new ClientException("app '" + vm.resourceName() + "': instance " + id + " is "
          + i.state().name() + "; EC2 changes the instance type (" + i.instanceTypeAsString()
          + " to " + type + ") of a stopped instance only: power the app off first");
    }
    List<Volumes.Disk> disks = Volumes.disks(i);
    List<Growth> grow = new ArrayList<>();
    List<Long> added = new ArrayList<>();
    if (!change.diskGib().isEmpty()) {
      plan(vm, i, disks, change.diskGib(), grow, added);
    }
    if (retype) {
      scope.progress("changing instance " + id + " from " + i.instanceTypeAsString() + " to "
          + type);
      s.run("change the instance type of " + id + " to " + type, () -> s.ec2()
          .modifyInstanceAttribute(q -> q.instanceId(id).instanceType(AttributeValue.builder()
              .value(type).build())));
    }
    for (Growth g : grow) {
      scope.progress("growing Hard Disk " + g.number() + " (" + g.volumeId() + ") from "
          + g.fromGib() + " to " + g.toGib() + " GiB");
      s.run("grow volume " + g.volumeId() + " to " + g.toGib() + " GiB", () -> s.ec2()
          .modifyVolume(q -> q.volumeId(g.volumeId()).size(g.toGib())));
    }
    if (!added.isEmpty()) {
      addDisks(i, vm, disks.size(), added, scope);
    }
  }

  /** Splits the disk changes into growths and new disks, refusing shrinks and gaps. */
  private void plan(DeployedVm vm, Instance i, List<Volumes.Disk> disks,
      Map<Integer, Long> asked, List<Growth> grow, List<Long> added) {
    Map<String, Volume> sizes = volumes.byIds("read the volumes of " + i.instanceId(),
        disks.stream().map(Volumes.Disk::volumeId).toList());
    for (Map.Entry<Integer, Long> e : new TreeMap<>(asked).entrySet()) {
      int n = e.getKey();
      long gib = e.getValue();
      if (gib > 65536) {
        throw new ClientException("Hard Disk " + n + ": " + gib + " GiB is more than EBS allows"
            + " (65536 GiB)");
      }
      if (n <= disks.size()) {
        Volumes.Disk d = disks.get(n - 1);
        Volume v = sizes.get(d.volumeId());
        int now = v == null || v.size() == null ? 0 : v.size();
        if (gib < now) {
          throw new ClientException("Hard Disk " + n + " of app '" + vm.resourceName() + "' ("
              + d.volumeId() + " at " + d.device() + ") is " + now + " GiB; disks only grow,"
              + " and " + gib + " GiB is smaller");
        }
        if (gib > now) {
          grow.add(new Growth(n, d.volumeId(), now, (int) gib));
        }
      } else if (n == disks.size() + added.size() + 1) {
        added.add(gib);
      } else {
        throw new ClientException("Hard Disk " + n + " of app '" + vm.resourceName() + "': the"
            + " app has " + disks.size() + " disk(s); a new disk is number "
            + (disks.size() + added.size() + 1));
      }
    }
  }

  private void addDisks(Instance i, DeployedVm vm, int existing, List<Long> sizes,
      CommandScope scope) {
    String id = i.instanceId();
    Rollback rollback = new Rollback();
    CommandScope undoScope = Volumes.uncancellable(scope);
    Set<String> taken = new HashSet<>();
    List<String> devices = new ArrayList<>();
    try {
      for (int k = 0; k < sizes.size(); k++) {
        int number = existing + k + 1;
        String device = Volumes.nextFreeDevice(i, taken);
        if (device == null) {
          throw new ClientException("app '" + vm.resourceName() + "' has no free device left"
              + " for Hard Disk " + number + " (/dev/sdf to /dev/sdp are taken)");
        }
        taken.add(device);
        scope.checkCancelled("adding Hard Disk " + number);
        scope.progress("adding Hard Disk " + number + " (" + sizes.get(k) + " GiB) at " + device);
        String volumeId = volumes.create(i.placement().availabilityZone(), null,
            sizes.get(k).intValue(), Tags.ofInstance(i.tags(), scope.reservationId(),
                Tags.ROLE_VOLUME, vm.resourceName() + " " + device, Map.of(Tags.INSTANCE, id)));
        rollback.push("delete volume " + volumeId, () -> volumes.delete(volumeId, undoScope));
        volumes.await(volumeId, software.amazon.awssdk.services.ec2.model.VolumeState.AVAILABLE,
            scope);
        volumes.attach(volumeId, id, device, scope);
        rollback.push("detach volume " + volumeId, () -> volumes.detach(volumeId, id,
            undoScope));
        devices.add(device);
      }
      volumes.deleteOnTermination(id, devices);
      rollback.commit();
    } catch (RuntimeException e) {
      throw rollback.undoAfter(e);
    }
  }

  /** The instance type the asked CPUs and memory need (the current one when it fits exactly). */
  private String targetType(Instance i, VmReshape change) {
    String current = i.instanceTypeAsString();
    int dot = current.indexOf('.');
    String family = dot < 0 ? current : current.substring(0, dot);
    List<InstanceTypeInfo> types = s.call("read the instance types of family " + family,
        () -> s.ec2().describeInstanceTypesPaginator(q -> q.filters(Tags.filter("instance-type",
            family + ".*"))).instanceTypes().stream().toList());
    InstanceTypeInfo now = types.stream().filter(t -> current.equals(t.instanceTypeAsString()))
        .findFirst().orElse(null);
    int cpus = change.cpus().orElse(now == null ? 1 : vcpus(now));
    long mib = change.memoryMib().orElse(now == null ? 1 : mib(now));
    if (now != null && vcpus(now) == cpus && mib(now) == mib) {
      return current;
    }
    Comparator<InstanceTypeInfo> smallest = Comparator.comparingInt(InstanceReshaper::vcpus)
        .thenComparingLong(InstanceReshaper::mib)
        .thenComparing(InstanceTypeInfo::instanceTypeAsString);
    return types.stream().filter(t -> vcpus(t) >= cpus && mib(t) >= mib).min(smallest)
        .map(InstanceTypeInfo::instanceTypeAsString)
        .orElseThrow(() -> new ClientException("no " + family + " instance type in region "
            + s.settings().region() + " has " + cpus + " vCPU(s) and " + mib + " MiB"
            + types.stream().max(smallest).map(t -> "; the largest is "
                + t.instanceTypeAsString() + " (" + vcpus(t) + " vCPUs, " + mib(t) + " MiB)")
                .orElse("")));
  }

  private static int vcpus(InstanceTypeInfo t) {
    return t.vCpuInfo() == null || t.vCpuInfo().defaultVCpus() == null ? 0
        : t.vCpuInfo().defaultVCpus();
  }

  private static long mib(InstanceTypeInfo t) {
    return t.memoryInfo() == null || t.memoryInfo().sizeInMiB() == null ? 0
        : t.memoryInfo().sizeInMiB();
  }
}
