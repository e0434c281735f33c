package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployPolicy;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.libvirt.LibvirtException;

/**
 * The provider's quotas at Deploy, counted from the hypervisors by Hangar's marks (every
 * domain's lease names its reservation and owner domain), never from this process's memory, so
 * several sandbox hosts enforce the same limits.
 *
 * <p>Deploy calls it right after defining its domain, which the count includes. A Deploy whose
 * count exceeds a limit rolls back. That needs no lock and never overshoots: of any set of
 * Deploys that all kept their VMs, the last to define counted every other one (defined before
 * it and never removed), so its count held them all. Racing Deploys may both roll back where
 * one would have fitted (the error says to retry); none goes over.
 */
final class KvmQuota {
  private final KvmSettings settings;
  private final KvmRuntime runtime;

  KvmQuota(KvmSettings settings, KvmRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  /**
   * @throws ClientException naming the quota, its use and its limit, when one is exceeded
   * @throws BackendException when a hypervisor cannot be counted
   */
  void check(DeployPolicy policy, CommandScope scope) {
    Quotas quotas = policy.quotas();
    if (quotas.isEmpty()) {
      return;
    }
    SandboxLease lease = policy.lease();
    Map<String, Long> domainUse = new HashMap<>();
    Map<String, Long> reservationUse = new HashMap<>();
    Map<String, String> down = new LinkedHashMap<>();
    for (HypervisorTarget t : settings.hypervisors()) {
      scope.checkCancelled("counting the quotas");
      try {
        Hypervisor h = runtime.hypervisors().get(t, runtime.timeouts().connect());
        for (KvmReaper.Found f : KvmReaper.list(h)) {
          if (!lease.ownerDomain().isEmpty() && lease.ownerDomain().equals(f.ownerDomain())) {
            add(domainUse, f.view());
          }
          if (lease.reservationId().equals(f.sandbox())) {
            add(reservationUse, f.view());
          }
        }
      } catch (LibvirtException e) {
        down.put(t.uri(), LibvirtErrors.describe(e));
      } catch (RuntimeException e) {
        down.put(t.uri(), e.getMessage());
      }
    }
    if (!down.isEmpty()) {
      throw BackendException.unavailable("cannot count the quotas: these hypervisors could not"
          + " be asked: " + VmLocator.describe(down) + "; retry", null);
    }
    String over = lease.ownerDomain().isEmpty() ? null
        : quotas.exceeded("domain", lease.ownerDomain(), domainUse);
    if (over == null) {
      over = quotas.exceeded("reservation", lease.reservationId(), reservationUse);
    }
    if (over != null) {
      throw new ClientException(over + "; delete apps or ask your admin to raise 'Quotas'"
          + " (Deploys racing for the last places may all give way: then retry)");
    }
  }

  private static void add(Map<String, Long> use, DomainView v) {
    use.merge("vms", 1L, Long::sum);
    use.merge("vcpus", (long) v.vcpus(), Long::sum);
    use.merge("ram", v.memoryKiB() / 1024, Long::sum);
  }
}
