package dev.hangar.testing;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SnapshotService;
import dev.hangar.driver.spi.VmReshape;
import dev.hangar.options.DeploymentOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A KVM-typed backend for the commands beyond the standard, in memory: it records what it was
 * asked (the typed SPI values the driver passed) and answers with canned values that keep the
 * SPI's promises (an unknown snapshot names those there are, a shrink is refused, deleting what
 * is gone succeeds). {@link #bare()} has none of the optional parts, as a cloud without them.
 */
public final class CapableCloud implements BackendProvider {
  /** A disk of every VM here is this big; a smaller hdd size is a shrink. */
  public static final long DISK_GIB = 10;
  private final boolean capable;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> snapshots = new ConcurrentHashMap<>();
  private final List<Object> received = new CopyOnWriteArrayList<>();

  private CapableCloud(boolean capable) {
    this.capable = capable;
  }

  /** Snapshots, saved apps, an attribute advisor, reconfigure and a console. */
  public static CapableCloud capable() {
    return new CapableCloud(true);
  }

  /** None of them: every command beyond the standard but PowerCycle is unsupported. */
  public static CapableCloud bare() {
    return new CapableCloud(false);
  }

  /** What was called, in order ("snapshot.save u-1 base memory=true", ...). */
  public List<String> log() {
    return List.copyOf(log);
  }

  /** The SPI values passed in (SaveAppRequest, VmReshape, ...), in order. */
  public List<Object> received() {
    return List.copyOf(received);
  }

  @Override
  public String cloudType() {
    return "KVM";
  }

  @Override
  public Set<String> deploymentPaths() {
    return Set.of("KVM VM From Template", "KVM VM From Kernel");
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    return new Backend() {
      @Override
      public AutoLoadDetails validate() {
        return AutoLoadDetails.empty();
      }

      @Override
      public ComputeService compute() {
        return capable ? new FullCompute() : new Compute();
      }

      @Override
      public Optional<SnapshotService> snapshots() {
        return capable ? Optional.of(new Snapshots()) : Optional.empty();
      }

      @Override
      public Optional<SavedAppService> savedApps() {
        return capable ? Optional.of(new SavedApps()) : Optional.empty();
      }

      @Override
      public Optional<AttributeAdvisor> attributeAdvisor() {
        return capable ? Optional.of(new Advisor()) : Optional.empty();
      }
    };
  }

  private class Compute implements ComputeService {
    @Override
    public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
      throw new UnsupportedOperationException("not in this test cloud");
    }

    @Override
    public void powerOn(DeployedVm vm, CommandScope scope) {
      log.add("powerOn " + vm.uid());
    }

    @Override
    public void powerOff(DeployedVm vm, CommandScope scope) {
      log.add("powerOff " + vm.uid());
    }

    @Override
    public void delete(DeployedVm vm, CommandScope scope) {
      log.add("delete " + vm.uid());
    }

    @Override
    public VmDetailsData details(DeployedVm vm, CommandScope scope) {
      return new VmDetailsData(vm.resourceName(), "", List.of(), List.of());
    }

    @Override
    public Addresses addresses(DeployedVm vm, CommandScope scope) {
      return new Addresses("", "");
    }
  }

  private final class FullCompute extends Compute {
    @Override
    public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
      received.add(change);
      change.diskGib().forEach((disk, size) -> {
        if (disk == 1 && size < DISK_GIB) {
          throw new ClientException("Hard Disk 1 of " + vm.resourceName() + " is " + DISK_GIB
              + " GiB; a disk cannot shrink (asked " + size + " GiB)");
        }
      });
      log.add("reconfigure " + vm.uid());
    }

    @Override
    public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
      log.add("console " + vm.uid());
      return new ConsoleAccess("vnc", "vnc://hv1.example:5901",
          "virsh -c qemu+ssh://hv1.example/system vncdisplay " + vm.uid(), null,
          "the VNC port listens on the hypervisor's address");
    }
  }

  private final class Snapshots implements SnapshotService {
    @Override
    public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
      List<String> paths = snapshots.computeIfAbsent(vm.uid(), u -> new CopyOnWriteArrayList<>());
      String path = paths.isEmpty() ? name : paths.get(paths.size() - 1) + "/" + name;
      if (paths.stream().anyMatch(p -> p.equals(name) || p.endsWith("/" + name))) {
        throw new ClientException("VM " + vm.resourceName() + " already has a snapshot '" + name
            + "'");
      }
      paths.add(path);
      log.add("snapshot.save " + vm.uid() + " " + name + " memory=" + withMemory);
      return path;
    }

    @Override
    public List<String> list(DeployedVm vm, CommandScope scope) {
      log.add("snapshot.list " + vm.uid());
      return List.copyOf(snapshots.getOrDefault(vm.uid(), List.of()));
    }

    @Override
    public void restore(DeployedVm vm, String path, CommandScope scope) {
      List<String> paths = snapshots.getOrDefault(vm.uid(), List.of());
      if (!paths.contains(path)) {
        throw new ClientException("VM " + vm.resourceName() + " has no snapshot '" + path
            + "'; it has: " + (paths.isEmpty() ? "none" : String.join(", ", paths)));
      }
      log.add("snapshot.restore " + vm.uid() + " " + path);
    }

    @Override
    public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
      List<String> paths = snapshots.getOrDefault(vm.uid(), new ArrayList<>());
      paths.removeIf(p -> p.equals(path) || withChildren && p.startsWith(path + "/"));
      log.add("snapshot.remove " + vm.uid() + " " + path + " children=" + withChildren);
    }
  }

  private final class SavedApps implements SavedAppService {
    @Override
    public SavedApp save(SaveAppRequest request, CommandScope scope) {
      received.add(request);
      if (request.sourceVmUuid().equals("gone")) {
        throw new ClientException("the source VM of app '" + request.sourceAppName()
            + "' no longer exists");
      }
      String ref = "saved-" + request.savedSandboxId() + "-" + request.sourceAppName();
      log.add("savedApps.save " + request.sourceVmUuid());
      return new SavedApp(List.of(new Artifact(ref, ref + ".qcow2")), "KVM VM From Template",
          Map.of("Template", ref + ".qcow2", "CPU",
              request.deploymentPathAttributes().getOrDefault("CPU", "1")),
          Map.of("savedFrom", request.sourceVmUuid()));
    }

    @Override
    public void delete(DeleteSavedAppRequest request, CommandScope scope) {
      received.add(request);
      log.add("savedApps.delete " + request.savedAppName());
    }
  }

  private final class Advisor implements AttributeAdvisor {
    @Override
    public List<String> validate(DeploymentOption option, Map<String, String> attributes,
        CommandScope scope) {
      received.add(Map.copyOf(attributes));
      log.add("advisor.validate " + option.name());
      String template = attributes.getOrDefault("Template", "");
      return template.equals("missing.qcow2")
          ? List.of("Template 'missing.qcow2' is not in pool 'default'") : List.of();
    }

    @Override
    public List<String> hints(DeploymentOption option, String attribute,
        Map<String, String> attributes, CommandScope scope) {
      received.add(Map.copyOf(attributes));
      log.add("advisor.hints " + attribute);
      return attribute.equals("Template") ? List.of("base.qcow2", "debian-12.qcow2") : List.of();
    }
  }
}
