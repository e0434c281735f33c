package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.options.StandardAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** remote_refresh_ip on KVM: the running VM's address, waited for up to Refresh IP Timeout. */
final class AddressRefresh {
  private final IpWaiter waiter;

  AddressRefresh(KvmTimeouts timeouts) {
    this.waiter = new IpWaiter(timeouts);
  }

  Addresses address(DeployedVm vm, Hypervisor host, Domain domain, CommandScope scope) {
    try {
      if (domain.isActive() != 1) {
        throw new ClientException("VM of app '" + vm.resourceName() + "' is not running; power"
            + " it on before refreshing its IP");
      }
      DomainView view = DomainView.parse(domain.getXMLDesc(0));
      boolean allOvs = view.nics().stream().allMatch(DomainView.NicView::onOvs);
      Set<String> macs = view.nics().stream().filter(n -> allOvs || !n.onOvs())
          .map(DomainView.NicView::mac).collect(Collectors.toSet());
      IpWaiter.Found f = waiter.await(vm.resourceName(), domain, macs, regex(vm),
          timeout(vm), scope);
      return new Addresses(f.ip(), "");
    } catch (LibvirtException e) {
      throw LibvirtErrors.wrap("read the address of " + vm.resourceName(), host.uri(), e);
    }
  }

  private static String deploymentAttribute(DeployedVm vm, String name) {
    if (vm.request() == null || vm.request().deploymentService() == null) {
      return null;
    }
    return vm.request().deploymentService().attribute(name);
  }

  private static Duration timeout(DeployedVm vm) {
    String raw = deploymentAttribute(vm, StandardAttributes.REFRESH_IP_TIMEOUT.name());
    if (raw == null || raw.isBlank()) {
      raw = StandardAttributes.REFRESH_IP_TIMEOUT.defaultValue();
    }
    try {
      long s = Long.parseLong(raw.strip());
      if (s < 1 || s > 86_400) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      throw new ClientException("attribute 'Refresh IP Timeout' of app '" + vm.resourceName()
          + "' must be a whole number of seconds between 1 and 86400");
    }
  }

  private static Pattern regex(DeployedVm vm) {
    String raw = deploymentAttribute(vm, StandardAttributes.IP_REGEX.name());
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Pattern.compile(raw);
    } catch (PatternSyntaxException e) {
      throw new ClientException("attribute 'IP Regex' of app '" + vm.resourceName()
          + "' is not a valid regular expression: " + e.getDescription());
    }
  }
}
