package dev.hangar.testing;

import dev.hangar.datamodel.WireId;
import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.request.RemoveVlan;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.CreateKeysResult;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.datamodel.result.PrepareNetworkResult;
import dev.hangar.datamodel.result.PrepareSubnetResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.datamodel.result.VmDetailsProperty;
import dev.hangar.datamodel.result.VmNetworkInterface;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.SandboxInfraRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A cloud held in memory behind the backend SPI, for testing the driver's dispatch, results and
 * the sample scenarios. It keeps the SPI's promises: a retried Deploy finds its VM, deletes and
 * disconnects of what is gone succeed, Prepare finds what exists. {@link #failNext} makes the
 * next call of an operation throw.
 */
public final class InMemoryCloud implements BackendProvider {
  /** A VM of this cloud. */
  public record Vm(String uid, String name, String app, String actionId, String mac,
      boolean running, String vlan) {}

  private final String cloudType;
  private final Set<String> paths;
  private final Map<String, Vm> vms = new ConcurrentHashMap<>();
  private final Map<String, String> subnets = new ConcurrentHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private volatile Consumer<CommandScope> onOpen = s -> { };
  private volatile boolean networkExists;

  public InMemoryCloud(String cloudType, Set<String> paths) {
    this.cloudType = cloudType;
    this.paths = Set.copyOf(paths);
  }

  public static InMemoryCloud kvm() {
    return new InMemoryCloud("KVM", Set.of("KVM VM From Template", "KVM VM From Kernel"));
  }

  public static InMemoryCloud aws() {
    return new InMemoryCloud("AWS", Set.of("AWS EC2 Instance"));
  }

  public void failNext(String operation, RuntimeException e) {
    failures.put(operation, e);
  }

  public void onOpen(Consumer<CommandScope> hook) {
    this.onOpen = hook;
  }

  public Map<String, Vm> vms() {
    return Map.copyOf(vms);
  }

  /** The operations called, in order ("deploy web", "powerOn uid", ...). */
  public List<String> log() {
    return List.copyOf(log);
  }

  @Override
  public String cloudType() {
    return cloudType;
  }

  @Override
  public Set<String> deploymentPaths() {
    return paths;
  }

  @Override
  public Backend open(ProviderResource provider, CommandScope scope) {
    onOpen.accept(scope);
    return new Backend() {
      @Override
      public AutoLoadDetails validate() {
        call("validate");
        return AutoLoadDetails.empty();
      }

      @Override
      public ComputeService compute() {
        return new Compute();
      }

      @Override
      public Optional<L2Fabric> l2Fabric() {
        return Optional.of(InMemoryCloud.this::applyVlans);
      }

      @Override
      public Optional<L3Fabric> l3Fabric() {
        return Optional.of(new Network());
      }
    };
  }

  private void call(String operation) {
    log.add(operation);
    RuntimeException e = failures.remove(operation.split(" ")[0]);
    if (e != null) {
      throw e;
    }
  }

  private Vm vm(DeployedVm ref) {
    Vm vm = vms.get(ref.uid());
    if (vm == null) {
      throw BackendException.failed("no VM " + ref.uid(), null);
    }
    return vm;
  }

  private final class Compute implements ComputeService {
    @Override
    public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
      call("deploy " + request.action().appName());
      scope.progress("deploying " + request.action().appName());
      Vm vm = vms.values().stream()
          .filter(v -> v.actionId().equals(request.action().actionId())).findFirst()
          .orElseGet(() -> {
            int n = counter.incrementAndGet();
            String uid = String.format("00000000-0000-4000-8000-%012d", n);
            Vm made = new Vm(uid, request.action().appName() + "-" + String.format("%08x", n),
                request.action().appName(), request.action().actionId(),
                String.format("52:54:00:00:00:%02x", n), false, "4095");
            vms.put(uid, made);
            return made;
          });
      VmDetailsData details = details(vm);
      DeployAppResult d = new DeployAppResult(request.action().actionId(), true, "", "", vm.uid(),
          vm.name(), "", List.of(), Map.of("path", request.option().name()), details);
      List<ConnectToSubnetResult> subnetResults = request.subnets().stream()
          .map(s -> new ConnectToSubnetResult(s.actionId(), true, "", "",
              "{\"mac\":\"" + vm.mac() + "\"}"))
          .toList();
      return new DeployOutcome(d, subnetResults);
    }

    @Override
    public void powerOn(DeployedVm ref, CommandScope scope) {
      call("powerOn " + ref.uid());
      Vm vm = vm(ref);
      vms.put(vm.uid(), new Vm(vm.uid(), vm.name(), vm.app(), vm.actionId(), vm.mac(), true,
          vm.vlan()));
    }

    @Override
    public void powerOff(DeployedVm ref, CommandScope scope) {
      call("powerOff " + ref.uid());
      Vm vm = vm(ref);
      vms.put(vm.uid(), new Vm(vm.uid(), vm.name(), vm.app(), vm.actionId(), vm.mac(), false,
          vm.vlan()));
    }

    @Override
    public void delete(DeployedVm ref, CommandScope scope) {
      call("delete " + ref.uid());
      vms.remove(ref.uid());
    }

    @Override
    public VmDetailsData details(DeployedVm ref, CommandScope scope) {
      call("details " + ref.uid());
      return details(vm(ref));
    }

    private VmDetailsData details(Vm vm) {
      return new VmDetailsData(vm.app(), "", List.of(VmDetailsProperty.shown("Name", vm.name())),
          List.of(new VmNetworkInterface(WireId.of(vm.mac()), WireId.of(vm.vlan()), true, false,
              List.of(), "10.0.0." + (vm.mac().charAt(16) - '0' + 10), "")));
    }

    @Override
    public Addresses addresses(DeployedVm ref, CommandScope scope) {
      call("addresses " + ref.uid());
      Vm vm = vm(ref);
      return new Addresses("10.0.0.10", vm.app().equals("app") ? "203.0.113.7" : "");
    }
  }

  private List<VlanResult> applyVlans(List<VlanAction> actions, CommandScope scope) {
    call("applyVlans " + actions.size());
    List<VlanResult> out = new ArrayList<>();
    for (VlanAction a : actions) {
      Vm vm = vms.get(a.vmUuid() == null ? "" : a.vmUuid());
      if (a instanceof RemoveVlan) {
        if (vm != null) {
          vms.put(vm.uid(), new Vm(vm.uid(), vm.name(), vm.app(), vm.actionId(), vm.mac(),
              vm.running(), "4095"));
        }
        out.add(new VlanResult("removeVlan", a.actionId(), true,
            vm == null ? "VM " + a.vmUuid() + " is already gone" : "", "",
            vm == null ? a.interfaceMac() : vm.mac()));
      } else if (vm == null) {
        out.add(new VlanResult("setVlan", a.actionId(), false, "", "no VM " + a.vmUuid(), ""));
      } else {
        String vlan = a.connectionParams().vlans().toString();
        vms.put(vm.uid(), new Vm(vm.uid(), vm.name(), vm.app(), vm.actionId(), vm.mac(),
            vm.running(), vlan));
        out.add(new VlanResult("setVlan", a.actionId(), true, "", "", vm.mac()));
      }
    }
    return out;
  }

  private final class Network implements L3Fabric {
    @Override
    public List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope) {
      call("prepare " + request.subnets().size());
      networkExists = true;
      List<ActionResult> out = new ArrayList<>();
      out.add(new PrepareNetworkResult(request.network().actionId(), true, "", "", "vpc-1",
          "sg-1"));
      if (request.createKeys() != null) {
        String key = "-----BEGIN PRIVATE KEY-----fake";
        scope.addSecret(key);
        out.add(new CreateKeysResult(request.createKeys().actionId(), true, "", "", key));
      }
      for (PrepareSubnet s : request.subnets()) {
        String id = subnets.computeIfAbsent(s.actionParams().cidr(),
            c -> "subnet-" + String.format("%017d", counter.incrementAndGet()));
        out.add(new PrepareSubnetResult(s.actionId(), true, "", "", id));
      }
      return out;
    }

    @Override
    public CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope) {
      call("cleanup");
      boolean existed = networkExists;
      networkExists = false;
      subnets.clear();
      return new CleanupNetworkResult(action.actionId(), true,
          existed ? "" : "nothing left to clean up", "");
    }

    @Override
    public List<SecurityGroupResult> setSecurityGroups(
        List<dev.hangar.datamodel.app.AppSecurityGroups> apps, CommandScope scope) {
      call("securityGroups " + apps.size());
      return apps.stream().map(a -> new SecurityGroupResult(a.deployedApp().name(), true, ""))
          .toList();
    }
  }
}
