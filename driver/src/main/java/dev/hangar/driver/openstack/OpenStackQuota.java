package dev.hangar.driver.openstack;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Server;

/**
 * The provider's quotas at Deploy on OpenStack (vms, vcpus, ram; public-ips are floating IPs),
 * counted from Nova and Neutron by Hangar's marks, never from this process's memory, so
 * several sandbox hosts enforce the same limits.
 *
 * <p>Deploy counts right after it made its server (and again after its floating IP), so the
 * count includes its own. Every deployer orders the marked objects the same way, by creation
 * time and then id, and keeps its object only when the use of the objects up to and including
 * its own fits the limits; the one beyond the limit rolls back, the earlier ones stay. Objects
 * made after a count sort after the counted one. Nova's timestamps have one-second steps, so a
 * server made in the same second but after this count can sort before this one: the servers are
 * counted once more when this one is active and at least {@link #SETTLE} past its creation
 * second, when every server that sorts before it is visible; of the servers kept, the last in
 * the order has then counted all the others, and N parallel Deploys cannot overshoot. An object
 * rolled back by another deployer may still be counted: the error then says to retry.
 */
final class OpenStackQuota {
  private final OsSession s;

  OpenStackQuota(OsSession s) {
    this.s = s;
  }

  /** What one object counts. */
  private record Item(String id, Instant created, String sandbox, String domain,
      Map<String, Long> use) {}

  /**
   * After the boot of {@code serverId}.
   *
   * @throws ClientException naming the quota, its use and its limit, when the server is beyond
   */
  void afterBoot(String serverId, CommandScope scope) {
    Quotas quotas = s.quotas();
    if (quotas.isEmpty()) {
      return;
    }
    scope.checkCancelled("counting the quotas");
    Map<String, Flavor> flavors = new HashMap<>();
    List<Item> items = new ArrayList<>();
    for (Server x : s.call("list the servers to count the quotas", () -> s.os().compute()
        .servers().list(Map.of()))) {
      if (x.getStatus() == Server.Status.DELETED || x.getMetadata() == null) {
        continue;
      }
      var mark = LeaseMarks.fromMetadata(x.getMetadata());
      if (mark.isEmpty()) {
        continue;
      }
      Flavor f = x.getFlavorId() == null ? null : flavors.computeIfAbsent(x.getFlavorId(),
          id -> s.call("read flavor " + id, () -> s.os().compute().flavors().get(id)));
      items.add(new Item(x.getId(), x.getCreated() == null ? Instant.MAX
          : x.getCreated().toInstant(), mark.get().sandbox(), mark.get().domain(), Map.of(
              "vms", 1L, "vcpus", f == null ? 0L : f.getVcpus(), "ram",
              f == null ? 0L : f.getRam())));
    }
    check(items, serverId, quotas);
  }

  /** After the creation second of a server, how long until every server of it is listed. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /**
   * The second count of {@code server} (see the class comment), once the clock is
   * {@link #SETTLE} past its creation.
   *
   * @throws ClientException naming the quota, its use and its limit, when the server is beyond
   */
  void afterSettle(Server server, CommandScope scope) {
    if (s.quotas().isEmpty()) {
      return;
    }
    Instant until = (server.getCreated() == null ? Instant.now()
        : server.getCreated().toInstant()).plus(SETTLE);
    while (Instant.now().isBefore(until)) {
      scope.checkCancelled("waiting to count the quotas again");
      try {
        Thread.sleep(Math.min(200, Math.max(1,
            Duration.between(Instant.now(), until).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandCancelledException("interrupted while waiting to count the quotas");
      }
    }
    afterBoot(server.getId(), scope);
  }

  /** After {@code floatingIpId} was taken: public-ips. */
  void afterFloatingIp(String floatingIpId, CommandScope scope) {
    Quotas quotas = s.quotas();
    if (quotas.isEmpty()) {
      return;
    }
    scope.checkCancelled("counting the quotas");
    List<Item> items = new ArrayList<>();
    for (MarkedObjects.Found f : new MarkedObjects(s).neutron("floatingips")) {
      items.add(new Item(f.id(), instant(f.createdAt()), f.mark().sandbox(),
          f.mark().domain(), Map.of("public-ips", 1L)));
    }
    check(items, floatingIpId, quotas);
  }

  private void check(List<Item> items, String own, Quotas quotas) {
    SandboxLease lease = s.lease();
    items.sort(Comparator.comparing(Item::created).thenComparing(Item::id));
    Map<String, Long> domainUse = new HashMap<>();
    Map<String, Long> reservationUse = new HashMap<>();
    for (Item i : items) {
      if (!lease.ownerDomain().isEmpty() && lease.ownerDomain().equals(i.domain())) {
        i.use().forEach((k, v) -> domainUse.merge(k, v, Long::sum));
      }
      if (lease.reservationId().equals(i.sandbox())) {
        i.use().forEach((k, v) -> reservationUse.merge(k, v, Long::sum));
      }
      if (i.id().equals(own)) {
        break; // the objects ordered after ours are theirs to give way
      }
    }
    String over = lease.ownerDomain().isEmpty() ? null
        : quotas.exceeded("domain", lease.ownerDomain(), domainUse);
    if (over == null) {
      over = quotas.exceeded("reservation", lease.reservationId(), reservationUse);
    }
    if (over != null) {
      throw new ClientException(over + "; delete apps or ask your admin to raise 'Quotas'"
          + " (a Deploy rolled back at this moment may still be counted: then retry)");
    }
  }

  private static Instant instant(String iso) {
    try {
      return iso == null || iso.isEmpty() ? Instant.MAX : Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }
}
