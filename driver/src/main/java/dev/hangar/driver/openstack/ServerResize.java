package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.util.Comparator;
import java.util.List;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Server;

/**
 * reconfigure_vm on OpenStack: a server's vCPUs, RAM and root disk are its flavor's, so a change
 * is a resize to another flavor, confirmed at once. The flavor is the smallest existing one
 * (fewest vCPUs, then least RAM, then smallest disk, then name) with at least the asked vCPUs
 * and RAM (the current ones for a part not asked) and at least the current root disk, or the
 * asked size of disk 1 (the root disk: it comes from the flavor, and only grows). Other disks
 * would be Cinder volumes, which Hangar does not attach: asking for one is an error. A resize
 * restarts the guest, so the server must be powered off (SHUTOFF); it stays off.
 */
final class ServerResize {
  private final OsSession s;
  private final Servers servers;

  ServerResize(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
  }

  void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
    Server server = servers.live(vm.uid()).orElseThrow(() -> BackendException.failed("server "
        + vm.uid() + " of app '" + vm.resourceName() + "' no longer exists in OpenStack", null));
    for (int disk : change.diskGib().keySet()) {
      if (disk != 1) {
        throw new ClientException("app '" + vm.resourceName() + "' has one disk on OpenStack,"
            + " its root disk (Hard Disk 1, sized by the flavor); Hangar attaches no volumes, so"
            + " Hard Disk " + disk + " cannot be " + (disk == 2 ? "added" : "changed"));
      }
    }
    Flavor current = s.call("read flavor " + server.getFlavorId(), () -> s.os().compute()
        .flavors().get(server.getFlavorId()));
    if (current == null) {
      throw BackendException.failed("flavor " + server.getFlavorId() + " of server "
          + server.getId() + " no longer exists: Nova cannot resize it", null);
    }
    long disk = current.getDisk();
    Long asked = change.diskGib().get(1);
    if (asked != null) {
      if (asked < current.getDisk()) {
        throw new ClientException("Hard Disk 1 of app '" + vm.resourceName() + "' is "
            + current.getDisk() + " GB: a disk only grows (asked " + asked + " GB)");
      }
      disk = asked;
    }
    int cpus = change.cpus().orElse(current.getVcpus());
    long ram = change.memoryMib().orElse(current.getRam());
    Flavor target = pick(cpus, ram, disk, vm.resourceName());
    if (target.getId().equals(current.getId())) {
      scope.progress("server " + server.getId() + " already has flavor " + current.getName());
      return;
    }
    if (server.getStatus() != Server.Status.SHUTOFF || server.getTaskState() != null) {
      throw new ClientException("app '" + vm.resourceName() + "' is " + server.getStatus()
          + ": a resize (to flavor " + target.getName() + ") restarts it; power it off first");
    }
    scope.checkCancelled("resizing server " + server.getId());
    scope.progress("resizing server " + server.getId() + " from flavor " + current.getName()
        + " to " + target.getName() + " (" + target.getVcpus() + " vCPUs, " + target.getRam()
        + " MB RAM, " + target.getDisk() + " GB disk)");
    s.action("resize server " + server.getId() + " to flavor " + target.getName(), false,
        () -> s.os().compute().servers().resize(server.getId(), target.getId()));
    try {
      servers.awaitStatus(server.getId(), Server.Status.VERIFY_RESIZE, s.timeouts().active(),
          scope);
    } catch (CommandCancelledException e) {
      revertIfWaiting(server.getId());
      throw e;
    }
    s.action("confirm the resize of server " + server.getId(), false, () -> s.os().compute()
        .servers().confirmResize(server.getId()));
    servers.awaitStatus(server.getId(), Server.Status.SHUTOFF, s.timeouts().power(), scope);
  }

  /** After a cancelled wait: a resize that reached VERIFY_RESIZE is reverted, not kept. */
  private void revertIfWaiting(String id) {
    servers.get(id).filter(x -> x.getStatus() == Server.Status.VERIFY_RESIZE).ifPresent(x ->
        s.action("revert the resize of server " + id, true, () -> s.os().compute().servers()
            .revertResize(id)));
  }

  private Flavor pick(int cpus, long ram, long disk, String app) {
    List<? extends Flavor> all = s.call("list flavors", () -> s.os().compute().flavors()
        .list());
    return all.stream()
        .filter(f -> !Boolean.TRUE.equals(f.isDisabled()))
        .filter(f -> f.getVcpus() >= cpus && f.getRam() >= ram && f.getDisk() >= disk)
        .min(Comparator.comparingInt((Flavor f) -> f.getVcpus())
            .thenComparingInt(Flavor::getRam).thenComparingInt(Flavor::getDisk)
            .thenComparing(f -> String.valueOf(f.getName())))
        .map(f -> (Flavor) f)
        .orElseThrow(() -> new ClientException("no flavor of this OpenStack has at least " + cpus
            + " vCPUs, " + ram + " MB RAM and a " + disk + " GB disk for app '" + app + "'"
            + "; flavors: " + all.stream().map(f -> f.getName() + " (" + f.getVcpus() + "/"
            + f.getRam() + " MB/" + f.getDisk() + " GB)").sorted().toList()));
  }
}
