package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.util.Set;
import java.util.stream.Collectors;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** Starts a deployed VM and, with Wait for IP, waits for its address. */
final class VmStarter {
  private final KvmRuntime runtime;
  private final OvsPorts ports;
  private final IpWaiter ips;

  VmStarter(KvmRuntime runtime, OvsPorts ports) {
    this.runtime = runtime;
    this.ports = ports;
    this.ips = new IpWaiter(runtime.timeouts());
  }

  /**
   * Starts a VM this attempt defined; the stop goes on the rollback; {@code started} runs once it
   * runs, before the wait for its IP. Returns its IP or "".
   */
  String start(Hypervisor host, Domain domain, DomainView view, VmPlan plan,
      CommandScope scope, Rollback rollback, Started started) throws LibvirtException {
    scope.checkCancelled("starting " + plan.name());
    host.change(domain::create);
    rollback.push("running " + plan.name(), () -> {
      if (domain.isActive() == 1) {
        domain.destroy();
      }
    });
    started.run();
    return awaitIp(domain, view, plan, scope);
  }

  /** Completes a VM an earlier attempt made: its ports, its start, its IP. */
  String ensureStarted(Hypervisor host, Domain domain, VmPlan plan, DomainView view,
      CommandScope scope) throws LibvirtException {
    var ovs = view.ovsNics().stream().map(n -> new DomainSpec.OvsNic(n.index(), n.mac(),
        n.device())).toList();
    if (!ovs.isEmpty()) {
      ports.ensure(host.target(), OvsPorts.parked(view.uuid(), scope.reservationId(), ovs),
          false);
    }
    if (domain.isActive() != 1) {
      try {
        host.change(domain::create);
      } catch (LibvirtException e) {
        // Another attempt may have started it between the check and now.
        if (domain.isActive() != 1) {
          throw e;
        }
      }
    }
    return awaitIp(domain, view, plan, scope);
  }

  /** What follows a VM's start. */
  interface Started {
    void run() throws LibvirtException;
  }

  private String awaitIp(Domain domain, DomainView view, VmPlan plan, CommandScope scope)
      throws LibvirtException {
    Set<String> macs = view.nics().stream().filter(n -> !n.onOvs() || view.nics().stream()
        .allMatch(DomainView.NicView::onOvs)).map(DomainView.NicView::mac)
        .collect(Collectors.toSet());
    if (!plan.waitForIp()) {
      return ""; // a guest just started has none yet; remote_refresh_ip fetches it later
    }
    scope.progress("Waiting up to " + plan.ipTimeout().toSeconds() + " s for the IP of "
        + plan.name());
    return ips.await(plan.name(), domain, macs, plan.ipRegex(), plan.ipTimeout(), scope).ip();
  }
}
