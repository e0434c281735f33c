package dev.hangar.driver.openstack;

import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.util.Optional;
import org.openstack4j.model.compute.Action;
import org.openstack4j.model.compute.Server;

/**
 * Nova servers of deployed apps, identified by the server id Deploy returned as vmUuid. Power
 * changes wait (bounded, cancellable) for the status; a server already in it is success, and so
 * is stopping or deleting one that is gone. Deleting a server deletes its snapshots. reconfigure
 * is a resize ({@link ServerResize}); the console Nova's noVNC console ({@link ServerConsole}).
 */
final class OpenStackCompute implements ComputeService {
  private final OsSession s;
  private final Servers servers;

  OpenStackCompute(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
  }

  @Override
  public DeployOutcome deploy(DeployRequest request, CommandScope scope) {
    return new ServerDeployer(s).deploy(request, scope);
  }

  @Override
  public void powerOn(DeployedVm vm, CommandScope scope) {
    Server server = existing(vm);
    if (server.getStatus() == Server.Status.ACTIVE && server.getTaskState() == null) {
      return;
    }
    if (server.getStatus() != Server.Status.ACTIVE) {
      s.action("start server " + server.getId(), false, () -> s.os().compute().servers()
          .action(server.getId(), Action.START));
    }
    servers.awaitStatus(server.getId(), Server.Status.ACTIVE, s.timeouts().power(), scope);
  }

  @Override
  public void powerOff(DeployedVm vm, CommandScope scope) {
    Optional<Server> found = servers.get(vm.uid());
    if (found.isEmpty()) {
      return;
    }
    Server server = found.get();
    if (server.getStatus() == Server.Status.SHUTOFF && server.getTaskState() == null) {
      return;
    }
    if (server.getStatus() != Server.Status.SHUTOFF) {
      s.action("stop server " + server.getId(), false, () -> s.os().compute().servers()
          .action(server.getId(), Action.STOP));
    }
    servers.awaitStatus(server.getId(), Server.Status.SHUTOFF, s.timeouts().power(), scope);
  }

  @Override
  public void delete(DeployedVm vm, CommandScope scope) {
    scope.progress("deleting server " + vm.uid());
    servers.deleteAndWait(vm.uid(), scope, true);
    // its snapshots go with it (images Hangar made of it); saved apps stay, they are the
    // saved sandbox's
    new OpenStackSnapshots(s).removeAll(vm.uid());
  }

  @Override
  public void reconfigure(DeployedVm vm, VmReshape change, CommandScope scope) {
    new ServerResize(s).reconfigure(vm, change, scope);
  }

  @Override
  public ConsoleAccess console(DeployedVm vm, CommandScope scope) {
    return new ServerConsole(s).open(vm, scope);
  }

  @Override
  public VmDetailsData details(DeployedVm vm, CommandScope scope) {
    Server server = existing(vm);
    return ServerDetails.of(server, servers.ports(server.getId()), vm.resourceName(),
        s.settings());
  }

  @Override
  public Addresses addresses(DeployedVm vm, CommandScope scope) {
    return ServerDetails.addresses(existing(vm), s.settings());
  }

  private Server existing(DeployedVm vm) {
    return servers.get(vm.uid()).orElseThrow(() -> BackendException.failed("server "
        + vm.uid() + " of app '" + vm.resourceName() + "' no longer exists in OpenStack at "
        + s.settings().keystoneUrl(), null));
  }
}
