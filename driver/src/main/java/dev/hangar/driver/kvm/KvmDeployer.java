package dev.hangar.driver.kvm;

import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployPolicy;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.Rollback;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Deploy on KVM: find the VM an earlier attempt made, or place, create and start a new one,
 * rolling back in reverse order whatever this attempt made when a step fails or the command is
 * cancelled.
 */
final class KvmDeployer {
  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;
  private final OvsPorts ports;
  private final VmStarter starter;
  private final DeployRace race;
  /** The marks and quotas of the command's provider, read once per Deploy. */
  private final Supplier<DeployPolicy> policy;

  KvmDeployer(KvmSettings settings, KvmRuntime runtime, VmLocator locator, OvsPorts ports,
      Supplier<DeployPolicy> policy) {
    this.policy = policy;
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
    this.ports = ports;
    this.starter = new VmStarter(runtime, ports);
    this.race = new DeployRace(settings, runtime, locator);
  }

  DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    VmPlan plan = VmPlan.of(request, scope.reservationId());
    DeployPolicy policy = this.policy.get();
    List<ConnectToSubnetResult> subnets = notOnL2(request.subnets());
    try (VmLocks.Held held = runtime.locks().lock(plan.uuid(), scope)) {
      Set<String> gaveWayOn = new HashSet<>();
      int gaveWay = 0;
      while (true) {
        VmLocator.Reach reach = locator.reach("");
        Optional<VmLocator.Located> earlier = locator.findOn(reach.up(), plan.uuid().toString());
        if (earlier.isPresent()) {
          if (race.awaitClaim(earlier.get().host(), plan, scope)) {
            continue; // another host was making it: look again now that it is done or undone
          }
          return resume(plan, earlier.get(), scope, subnets);
        }
        Hypervisor host = Placement.choose(race.withoutGaveWay(
            settings.areas().forDeploy(reach, plan.area()), gaveWayOn),
            plan.memoryMiB(), settings.virtualization(), runtime.memory());
        String skipped = reach.down().isEmpty() ? ""
            : "; skipped unreachable hypervisors: " + VmLocator.describe(reach.down());
        scope.progress("Deploying " + plan.name() + " on " + host.uri() + skipped);
        Optional<DeployClaims.Claim> claim = race.claim(host, plan, scope);
        if (claim.isEmpty()) {
          runtime.memory().giveBack(host, plan.memoryMiB() << 20);
          continue; // another host holds it: it waited for it to finish, so look again
        }
        try {
          return create(plan, policy, scope, subnets, reach, host, claim.get(), skipped);
        } catch (DeployRace.GaveWay e) {
          if (e.forMemory()) {
            gaveWayOn.add(host.uri());
          }
          race.pause(++gaveWay, e, scope);
        }
      }
    }
  }

  /** Makes and starts the VM on {@code host} under this attempt's claim. */
  private DeployOutcome create(VmPlan plan, DeployPolicy policy, CommandScope scope,
      List<ConnectToSubnetResult> subnets, VmLocator.Reach reach, Hypervisor host,
      DeployClaims.Claim claim, String skipped) {
    Rollback rollback = new Rollback(LibvirtErrors::describe);
    rollback.push("deploy claim " + DeployClaims.name(plan.uuid()), claim::release);
    try {
      if (locator.findOn(reach.up(), plan.uuid().toString()).isPresent()) {
        // Made and released by another host between our look and our claim: adopt it.
        throw new DeployRace.GaveWay("another host made it meanwhile", false);
      }
      Made made = create(host, plan, policy, scope, rollback, reach);
      String ip = starter.start(host, made.domain(), made.view(), plan, scope, rollback,
          claim::release);
      DeployOutcome out = outcome(plan, host, made.domain(), ip, "created on " + host.uri()
          + skipped, subnets, made.view());
      // A cancel that lands now would find a whole VM the caller never hears of: undo it.
      scope.checkCancelled("answering with " + plan.name());
      rollback.commit();
      return out;
    } catch (DeployRace.GaveWay e) {
      runtime.memory().giveBack(host, plan.memoryMiB() << 20);
      String left = rollback.undo();
      if (!left.isEmpty()) {
        throw BackendException.failed("gave way to another Deploy (" + e.getMessage() + "); "
            + left, e);
      }
      throw e;
    } catch (RuntimeException e) {
      runtime.memory().giveBack(host, plan.memoryMiB() << 20);
      throw rollback.undoAfter(e);
    } catch (LibvirtException e) {
      runtime.memory().giveBack(host, plan.memoryMiB() << 20);
      throw rollback.undoAfter(LibvirtErrors.wrap("deploy " + plan.name(), host.uri(), e));
    }
  }

  /** An earlier attempt made the VM: finish what it may have left undone, never undo it. */
  private DeployOutcome resume(VmPlan plan, VmLocator.Located found, CommandScope scope,
      List<ConnectToSubnetResult> subnets) {
    Hypervisor host = found.host();
    try {
      DomainView view = DomainView.parse(found.domain().getXMLDesc(0));
      if (view.metadata() == null || !plan.actionId().equals(view.metadata().actionId())) {
        throw new ClientException("VM " + plan.uuid() + " on " + host.uri() + " was not made by"
            + " action " + plan.actionId() + "; refusing to touch it");
      }
      scope.progress("Found " + view.name() + " from an earlier attempt of this Deploy on "
          + host.uri());
      makeVolumes(host, plan, scope, null);
      StoredDefinitions.save(host, found.domain()); // when its metadata names one
      String ip = starter.ensureStarted(host, found.domain(), plan, view, scope);
      return outcome(plan, host, found.domain(), ip, "found the VM an earlier attempt made on "
          + host.uri(), subnets, null);
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("resume deploying " + plan.name(), host.uri(), e);
    }
  }

  /**
   * Defines the domain first and makes its volumes after, so that no volume exists without a
   * domain whose metadata names it (and carries the sandbox's marks): a host killed at any step
   * leaves only what the reaper and a retry can find.
   */
  private Made create(Hypervisor host, VmPlan plan, DeployPolicy policy, CommandScope scope,
      Rollback rollback, VmLocator.Reach reach)
      throws LibvirtException {
    if (plan.fromTemplate()) {
      // Refused before anything is made: a missing pool or template is the user's to fix.
      Volumes.template(host, Volumes.pool(host, settings.storagePool()), plan.template()).free();
    }
    List<DomainSpec.Disk> disks = new ArrayList<>();
    List<String> volumes = new ArrayList<>();
    for (VolumeSpec v : volumeSpecs(plan)) {
      disks.add(new DomainSpec.Disk(settings.storagePool(), v.name(), v.format(), v.readonly()));
      volumes.add(settings.storagePool() + "/" + v.name());
    }
    String area = settings.areas().areaOf(host.uri()).orElse("");
    String definition = settings.storagePool() + "/"
        + StoredDefinitions.volumeName(plan.uuid().toString());
    if (!area.isEmpty()) {
      volumes.add(definition);
    }
    List<DomainSpec.Nic> nics = nics(host, plan);
    VmMetadata meta = new VmMetadata(scope.reservationId(), plan.appName(),
        plan.deploymentPath(), plan.actionId(), plan.template(), settings.ovsBridge(), volumes,
        Map.of(), area, area.isEmpty() ? "" : host.uri(), area.isEmpty() ? 0 : 1);
    DomainSpec spec = new DomainSpec(plan.name(), plan.uuid(),
        settings.virtualization().domainType(host.domainTypes()).orElseThrow(),
        plan.memoryMiB(), plan.vcpus(), plan.fromTemplate() ? new DomainSpec.DiskBoot()
        : plan.kernel(), disks, nics, meta);
    scope.checkCancelled("defining " + plan.name());
    String xml = DomainXml.write(spec, policy.lease());
    Domain domain = define(host, plan, xml);
    rollback.push("domain " + plan.name(), () -> Undefine.run(host, domain));
    // Checked against the cloud after the define, this VM included, as the quota is below: no
    // host's own ledger sees the Deploys other hosts are placing (MemoryCheck, DeployRace).
    race.checkAfterDefine(host, plan, reach);
    // Counted after the define, this VM included: of Deploys racing past a limit, the last to
    // define sees all the others and rolls back, so none overshoots (KvmQuota).
    new KvmQuota(settings, runtime).check(policy, scope);
    if (!area.isEmpty()) {
      // The definition is kept beside the disk, so a host of the area can recover the VM.
      rollback.push("stored definition", () -> Volumes.delete(host, definition));
      StoredDefinitions.save(host, domain);
    }
    makeVolumes(host, plan, scope, rollback);
    List<DomainSpec.OvsNic> ovs = nics.stream().filter(DomainSpec.OvsNic.class::isInstance)
        .map(DomainSpec.OvsNic.class::cast).toList();
    if (!ovs.isEmpty()) {
      scope.checkCancelled("creating the vNIC ports of " + plan.name());
      List<OvsPort> parked = OvsPorts.parked(plan.uuid().toString(), scope.reservationId(), ovs);
      List<String> made = ports.create(host.target(), parked);
      rollback.push("OVS ports " + made, () -> ports.delete(host.target(), made));
    }
    return new Made(domain, DomainXml.view(spec));
  }

  /** A volume a Deploy makes: the linked clone of the template, then the cloud-init seed. */
  private record VolumeSpec(String name, String format, boolean readonly, boolean seed) {}

  private static List<VolumeSpec> volumeSpecs(VmPlan plan) {
    if (!plan.fromTemplate()) {
      return List.of();
    }
    List<VolumeSpec> out = new ArrayList<>();
    out.add(new VolumeSpec(plan.name() + "-disk0.qcow2", "qcow2", false, false));
    if (!plan.userData().isEmpty()) {
      out.add(new VolumeSpec(plan.name() + "-seed.iso", "raw", true, true));
    }
    return out;
  }

  private StorageVol makeVolume(Hypervisor host, StoragePool pool, VmPlan plan, VolumeSpec v,
      CommandScope scope) throws LibvirtException {
    if (v.seed()) {
      scope.checkCancelled("writing the cloud-init seed of " + plan.name());
      scope.progress("Writing the cloud-init seed of " + plan.name());
      byte[] image = CloudInitSeed.image(plan);
      return host.change(() -> Volumes.upload(host, pool, v.name(), image));
    }
    scope.checkCancelled("cloning template " + plan.template());
    return host.change(() -> Volumes.linkedClone(host, pool, plan.template(), v.name(),
        plan.diskGiB()));
  }

  /**
   * Makes the plan's volumes; with a rollback, each one (undone on failure); without one (a
   * resumed Deploy), only those an earlier attempt did not make before it was cut off.
   */
  private void makeVolumes(Hypervisor host, VmPlan plan, CommandScope scope, Rollback rollback)
      throws LibvirtException {
    List<VolumeSpec> specs = volumeSpecs(plan);
    if (specs.isEmpty()) {
      return;
    }
    StoragePool pool = Volumes.pool(host, settings.storagePool());
    for (VolumeSpec v : specs) {
      if (rollback == null && Volumes.exists(pool, v.name())) {
        continue;
      }
      StorageVol vol;
      try {
        vol = makeVolume(host, pool, plan, v, scope);
      } catch (LibvirtException e) {
        if (rollback == null && Volumes.exists(pool, v.name())) {
          continue; // another attempt, still running elsewhere, made it meanwhile
        }
        throw e;
      }
      if (rollback != null) {
        rollback.push("volume " + v.name(), () -> Volumes.delete(vol));
      } else {
        vol.free();
      }
    }
  }

  /** A domain this attempt defined, and how it looks (as the spec it was defined from says). */
  private record Made(Domain domain, DomainView view) {}

  /** Defines the domain; a name that is taken is the user's to change. */
  private Domain define(Hypervisor host, VmPlan plan, String xml) throws LibvirtException {
    try {
      return host.change(() -> host.connect().domainDefineXML(xml));
    } catch (LibvirtException e) {
      if (nameTaken(host, plan.name())) {
        throw new ClientException("a VM named '" + plan.name() + "' already exists on "
            + host.uri() + "; rename the app or set 'Autogenerated Name' to True");
      }
      throw e;
    }
  }

  private static boolean nameTaken(Hypervisor host, String name) {
    try {
      host.connect().domainLookupByName(name).free();
      return true;
    } catch (LibvirtException e) {
      return false;
    }
  }

  /** NIC 0 on the management network (when there is one), then the OVS vNICs. */
  private List<DomainSpec.Nic> nics(Hypervisor host, VmPlan plan) throws LibvirtException {
    List<DomainSpec.Nic> nics = new ArrayList<>();
    if (!settings.managementNetwork().isEmpty()) {
      ManagementNetwork.check(host, settings.managementNetwork());
      nics.add(new DomainSpec.NetworkNic(0, Names.randomMac(), settings.managementNetwork()));
    }
    for (int i = 0; i < plan.extraNics(); i++) {
      int index = nics.size();
      nics.add(new DomainSpec.OvsNic(index, Names.randomMac(), Names.tapName(plan.uuid(), index)));
    }
    return nics;
  }

  private DeployOutcome outcome(VmPlan plan, Hypervisor host, Domain domain, String ip,
      String info, List<ConnectToSubnetResult> subnets, DomainView justCreated)
      throws LibvirtException {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put(KvmCompute.HYPERVISOR, host.uri());
    String name = justCreated != null ? justCreated.name() : domain.getName();
    String uuid = justCreated != null ? justCreated.uuid() : domain.getUUIDString();
    extra.put("vmName", name);
    extra.put("ovsBridge", settings.ovsBridge());
    VmDetailsReader reader = new VmDetailsReader(ports);
    var details = justCreated == null ? reader.read(plan.appName(), host, domain)
        : reader.readJustStarted(plan.appName(), host, domain, justCreated, ip);
    return new DeployOutcome(new DeployAppResult(plan.actionId(), true, info, "",
        uuid, name, ip, List.of(), extra, details), subnets);
  }

  private static List<ConnectToSubnetResult> notOnL2(List<ConnectSubnet> subnets) {
    return subnets.stream().map(s -> new ConnectToSubnetResult(s.actionId(), false, "",
        "connectSubnet is for L3 clouds; KVM is L2: connect vNICs with ApplyConnectivityChanges"
            + " (setVlan)", "")).toList();
  }
}
