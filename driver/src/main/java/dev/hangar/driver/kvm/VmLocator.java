package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Finds a VM by its domain UUID on the provider's hypervisors: the host Deploy recorded first,
 * then the others. "Not found" is only claimed when every host answered. With areas (attribute
 * 'Areas') every reachable host is asked, and a VM found on several (a recovered VM whose old
 * host came back) is resolved by {@link VmFencing} before the caller sees it.
 */
final class VmLocator {
  /** Runs {@link #reachAnswering}'s round trips, so one silent host cannot hold the others. */
  private static final ExecutorService PROBES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hangar-libvirt-probe");
    t.setDaemon(true);
    return t;
  });

  private final KvmSettings settings;
  private final KvmRuntime runtime;

  private final VmFencing fencing;

  VmLocator(KvmSettings settings, KvmRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
    this.fencing = new VmFencing(new OvsPorts(runtime, settings.ovsBridge()));
  }

  VmFencing fencing() {
    return fencing;
  }

  /** A VM on its host. */
  record Located(Hypervisor host, Domain domain) {}

  /** The reachable hosts and, for the others, why not. */
  record Reach(List<Hypervisor> up, Map<String, String> down) {}

  Reach reach(String preferredUri) {
    List<HypervisorTarget> order = new ArrayList<>(settings.hypervisors());
    order.sort((a, b) -> Boolean.compare(!a.uri().equals(preferredUri),
        !b.uri().equals(preferredUri)));
    List<Hypervisor> up = new ArrayList<>();
    Map<String, String> down = new LinkedHashMap<>();
    for (HypervisorTarget t : order) {
      try {
        up.add(runtime.hypervisors().get(t, runtime.timeouts().connect()));
      } catch (RuntimeException e) {
        down.put(t.uri(), e.getMessage());
      }
    }
    return new Reach(up, down);
  }

  /**
   * Like {@link #reach}, but a host counts as reachable only when it answers a round trip now.
   * Across a network partition libvirt keeps a cached connection looking open until its keepalive
   * gives up (5 s x 3 unanswered, about 20 s): {@link #reach} would take a host cut off a moment
   * ago for a live one, and Recover would refuse to recover it ("answers") or block on it. The
   * hosts are asked at once, each bounded by the connect timeout (the keepalive fails a remote
   * one sooner), so the whole wait is one bound, not one per host; a host whose round trip fails
   * or times out joins {@code down} with the reason.
   */
  Reach reachAnswering() {
    Reach r = reach("");
    Map<Hypervisor, CompletableFuture<String>> probes = new LinkedHashMap<>();
    for (Hypervisor h : r.up()) {
      probes.put(h, CompletableFuture.supplyAsync(() -> {
        try {
          return h.connect().getHostName();
        } catch (LibvirtException e) {
          throw new IllegalStateException(LibvirtErrors.text(e), e);
        }
      }, PROBES));
    }
    long deadline = System.nanoTime() + runtime.timeouts().connect().toNanos();
    List<Hypervisor> up = new ArrayList<>();
    Map<String, String> down = new LinkedHashMap<>(r.down());
    probes.forEach((h, probe) -> {
      try {
        probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        up.add(h);
      } catch (ExecutionException e) {
        down.put(h.uri(), "does not answer: " + e.getCause().getMessage());
      } catch (TimeoutException e) {
        down.put(h.uri(), "did not answer within " + runtime.timeouts().connect().toSeconds()
            + " s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        down.put(h.uri(), "interrupted while asking it");
      }
    });
    return new Reach(up, down);
  }

  /**
   * The VM with {@code uuid}, or empty when every hypervisor answered and none has it.
   *
   * @throws BackendException (unavailable) when it is on none of the reachable hosts and some
   *     host could not be asked
   */
  Optional<Located> find(String uuid, String preferredUri) {
    Reach r = reach(preferredUri);
    Optional<Located> found = findOn(r.up(), uuid);
    if (found.isEmpty() && !r.down().isEmpty()) {
      throw BackendException.unavailable("VM " + uuid + " is on none of the reachable"
          + " hypervisors and these could not be asked: " + describe(r.down()), null);
    }
    return found;
  }

  Optional<Located> findOn(List<Hypervisor> hosts, String uuid) {
    if (!settings.areas().isEmpty()) {
      return findAll(hosts, uuid);
    }
    for (Hypervisor h : hosts) {
      try {
        return Optional.of(new Located(h, h.connect().domainLookupByUUIDString(uuid)));
      } catch (LibvirtException e) {
        if (LibvirtErrors.isGone(e)) {
          continue;
        }
        if (LibvirtErrors.isUnsupported(e)) {
          throw new ClientException("'" + uuid + "' is not a VM uuid of this provider");
        }
        throw LibvirtErrors.wrap("look up VM " + uuid, h.uri(), e);
      }
    }
    return Optional.empty();
  }

  /** Every copy on {@code hosts}; several are fenced down to the newest. */
  private Optional<Located> findAll(List<Hypervisor> hosts, String uuid) {
    List<VmFencing.Copy> copies = new ArrayList<>();
    for (Hypervisor h : hosts) {
      try {
        VmFencing.on(h, uuid).ifPresent(copies::add);
      } catch (LibvirtException e) {
        if (LibvirtErrors.isUnsupported(e)) {
          throw new ClientException("'" + uuid + "' is not a VM uuid of this provider");
        }
        throw LibvirtErrors.wrap("look up VM " + uuid, h.uri(), e);
      }
    }
    if (copies.isEmpty()) {
      return Optional.empty();
    }
    VmFencing.Copy keep = fencing.resolve(copies);
    return Optional.of(new Located(keep.host(), keep.domain()));
  }

  static String describe(Map<String, String> down) {
    StringBuilder b = new StringBuilder();
    down.forEach((uri, why) -> b.append(b.length() == 0 ? "" : "; ").append(uri).append(" (")
        .append(why).append(')'));
    return b.toString();
  }
}
