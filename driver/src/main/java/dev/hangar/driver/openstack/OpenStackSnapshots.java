package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.SnapshotService;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.actions.RebuildOptions;
import org.openstack4j.model.image.v2.Image;

/**
 * Snapshots of a deployed app's server as Nova server images (createImage): a Glance image of
 * the server's root disk whose properties (set at creation) mark it a Hangar snapshot, name the
 * server it is of and the snapshot's name. Nova's images form no tree, so names are flat (a path
 * is the name alone) and "with children" removes that one image too. They hold the disk only:
 * Nova cannot save a server's memory, so a save with memory is refused. A restore rebuilds the
 * server from the image: the same server id, ports and addresses, its disk as it was at the
 * snapshot, its power state kept. Deleting the app (DeleteInstance) deletes its snapshots.
 */
final class OpenStackSnapshots implements SnapshotService {
  private final OsSession s;
  private final Servers servers;
  private final ServerImages images;

  OpenStackSnapshots(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
    this.images = new ServerImages(s);
  }

  @Override
  public String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope) {
    if (withMemory) {
      throw new ClientException("OpenStack snapshots hold the server's disk only (a Nova server"
          + " image): Nova cannot save memory; save snapshot '" + name + "' of app '"
          + vm.resourceName() + "' with save memory No");
    }
    Server server = existing(vm);
    if (!of(server.getId(), name).isEmpty()) {
      throw new ClientException("app '" + vm.resourceName() + "' already has a snapshot named '"
          + name + "': remove it first or choose another name");
    }
    servers.awaitIdle(server.getId(), scope);
    scope.progress("saving snapshot '" + name + "' of server " + server.getId());
    images.capture(server.getId(), imageName(server, name), Marks.snapshotImage(
        server.getId(), name, "", server.getMetadata()), scope);
    return name;
  }

  @Override
  public List<String> list(DeployedVm vm, CommandScope scope) {
    Server server = existing(vm);
    return all(server.getId()).stream().map(i -> i.getAdditionalPropertyValue(
        Marks.SNAPSHOT_NAME)).distinct().toList();
  }

  @Override
  public void restore(DeployedVm vm, String path, CommandScope scope) {
    Server server = existing(vm);
    List<Image> found = of(server.getId(), path);
    if (found.isEmpty()) {
      List<String> there = list(vm, scope);
      throw new ClientException("app '" + vm.resourceName() + "' has no snapshot '" + path
          + "'; its snapshots: " + (there.isEmpty() ? "none" : String.join(", ", there)));
    }
    Image image = found.get(found.size() - 1);
    if (image.getStatus() != Image.ImageStatus.ACTIVE) {
      throw new ClientException("snapshot '" + path + "' of app '" + vm.resourceName()
          + "' is not ready (image " + image.getId() + " is " + image.getStatus() + ")");
    }
    Server idle = servers.awaitIdle(server.getId(), scope);
    Server.Status before = idle.getStatus();
    scope.progress("rebuilding server " + server.getId() + " from snapshot '" + path
        + "' (image " + image.getId() + ")");
    scope.checkCancelled("rebuilding server " + server.getId());
    s.action("rebuild server " + server.getId() + " from image " + image.getId(), false,
        () -> s.os().compute().servers().rebuild(server.getId(),
            RebuildOptions.create().image(image.getId())));
    // Nova keeps a stopped server stopped after a rebuild, and starts an active one again.
    Server.Status target = before == Server.Status.SHUTOFF ? Server.Status.SHUTOFF
        : Server.Status.ACTIVE;
    servers.awaitStatus(server.getId(), target, s.timeouts().active(), scope);
  }

  @Override
  public void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope) {
    // withChildren changes nothing: a snapshot image has no children
    for (Image image : of(vm.uid(), path)) {
      scope.progress("deleting snapshot '" + path + "' (image " + image.getId() + ")");
      images.delete(image.getId());
    }
  }

  /** Deletes every snapshot of the server (its app is being deleted). */
  void removeAll(String serverId) {
    for (Image image : all(serverId)) {
      images.delete(image.getId());
    }
  }

  private List<Image> all(String serverId) {
    return images.find(Map.of(Marks.KIND, Marks.SNAPSHOT_KIND, Marks.SNAPSHOT_OF, serverId));
  }

  /** The server's images of snapshot {@code name}; the name (the user's) is compared here,
   * not sent to Glance as a filter, where some values ("in:a,b") are operators. */
  private List<Image> of(String serverId, String name) {
    return all(serverId).stream().filter(i -> name.equals(i.getAdditionalPropertyValue(
        Marks.SNAPSHOT_NAME))).toList();
  }

  private static String imageName(Server server, String name) {
    String n = "hangar-snapshot " + server.getName() + " " + name;
    return n.length() > 255 ? n.substring(0, 255) : n;
  }

  private Server existing(DeployedVm vm) {
    return servers.live(vm.uid()).orElseThrow(() -> BackendException.failed("server "
        + vm.uid() + " of app '" + vm.resourceName() + "' no longer exists in OpenStack at "
        + s.settings().keystoneUrl(), null));
  }
}
