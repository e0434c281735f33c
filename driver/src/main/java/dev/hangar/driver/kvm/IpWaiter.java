package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.libvirt.Domain;
import org.libvirt.DomainInterface;
import org.libvirt.LibvirtException;

/**
 * Finds a VM's IPv4 address from libvirt's sources in order — the DHCP lease of its network,
 * the guest agent, the host's ARP table — keeping only the given MACs' addresses that match the
 * IP Regex. {@link #await} polls until the bound, stays cancellable, and says which sources it
 * tried and what each answered.
 */
final class IpWaiter {
  /** libvirt's VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_* in the order Hangar asks them. */
  enum Source {
    LEASE(0, "DHCP lease"), AGENT(1, "guest agent"), ARP(2, "ARP table");

    final int flag;
    final String label;

    Source(int flag, String label) {
      this.flag = flag;
      this.label = label;
    }
  }

  /** An address and where it came from. */
  record Found(String ip, Source source) {}

  private final KvmTimeouts timeouts;

  IpWaiter(KvmTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  /**
   * One look at every source; null when none has a matching address.
   *
   * @throws LibvirtException when the connection to the hypervisor is lost: no source can
   *     answer any more, and waiting on would only turn a partition into a missing IP
   */
  Found lookOnce(Domain domain, Set<String> macs, Pattern regex, Map<Source, String> answers)
      throws LibvirtException {
    for (Source s : Source.values()) {
      try {
        for (DomainInterface i : domain.interfaceAddresses(s.flag, 0)) {
          if (i.hwAddr == null || !macs.contains(i.hwAddr.toLowerCase(Locale.ROOT))) {
            continue;
          }
          for (DomainInterface.InterfaceAddress a : i.addrs) {
            String ip = usable(a.address, regex);
            if (ip != null) {
              return new Found(ip, s);
            }
          }
        }
        answers.put(s, regex == null ? "no address" : "no address matching IP Regex");
      } catch (LibvirtException e) {
        if (LibvirtErrors.isConnectionLost(e)) {
          throw e;
        }
        answers.put(s, LibvirtErrors.text(e));
      }
    }
    return null;
  }

  /**
   * Polls until an address appears or {@code timeout} passes.
   *
   * @throws LibvirtException when the connection to the hypervisor is lost meanwhile
   */
  Found await(String vmName, Domain domain, Set<String> macs, Pattern regex, Duration timeout,
      CommandScope scope) throws LibvirtException {
    long deadline = timeouts.sleeper().nanoTime() + timeout.toNanos();
    Map<Source, String> answers = new LinkedHashMap<>();
    while (true) {
      scope.checkCancelled("VM " + vmName + " had an IP address");
      Found f = lookOnce(domain, macs, regex, answers);
      if (f != null) {
        return f;
      }
      if (timeouts.sleeper().nanoTime() >= deadline) {
        StringBuilder tried = new StringBuilder();
        answers.forEach((s, why) -> tried.append(tried.length() == 0 ? "" : "; ")
            .append(s.label).append(": ").append(why));
        throw new BackendException("VM " + vmName + " had no IP address after "
            + timeout.toSeconds() + " s (Refresh IP Timeout); tried " + tried
            + ". Check the guest configures its NIC by DHCP, or set 'Wait for IP' to False",
            true, false, null);
      }
      try {
        timeouts.sleeper().sleep(timeouts.poll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandCancelledException("interrupted while waiting for the IP of " + vmName);
      }
    }
  }

  private static String usable(InetAddress a, Pattern regex) {
    if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isLinkLocalAddress()) {
      return null;
    }
    String ip = a.getHostAddress();
    return regex == null || regex.matcher(ip).find() ? ip : null;
  }
}
