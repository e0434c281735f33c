package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.SnapshotService;
import java.util.List;

/**
 * remote_save_snapshot, remote_get_snapshots, remote_restore_snapshot, remote_remove_snapshot on
 * the deployed app of a remote context. Names and Yes/No are checked before the backend opens.
 */
public final class SnapshotCommands {
  private static final String WHAT = "snapshots";
  private final WireCodec codec;

  public SnapshotCommands(WireCodec codec) {
    this.codec = codec;
  }

  /** Returns the new snapshot's path, as vCenter's shell does. */
  public String save(CommandRun run, String snapshotName, String saveMemory) {
    String name = RemoteArguments.snapshotName(snapshotName);
    boolean memory = RemoteArguments.yes("save_memory", saveMemory);
    DeployedVm vm = VmCommands.remoteVm(run);
    return Guard.call(run, () -> Capabilities.call(run, WHAT,
        () -> service(run).save(vm, name, memory, run.scope())));
  }

  /** Returns a JSON list of the paths, parents first. */
  public String list(CommandRun run) {
    DeployedVm vm = VmCommands.remoteVm(run);
    List<String> paths = Guard.call(run, () -> Capabilities.call(run, WHAT,
        () -> service(run).list(vm, run.scope())));
    return codec.write(paths);
  }

  public void restore(CommandRun run, String snapshotName) {
    String path = RemoteArguments.snapshotPath(snapshotName);
    DeployedVm vm = VmCommands.remoteVm(run);
    Guard.call(run, () -> Capabilities.call(run, WHAT, () -> {
      service(run).restore(vm, path, run.scope());
      return null;
    }));
  }

  public void remove(CommandRun run, String snapshotName, String removeChild) {
    String path = RemoteArguments.snapshotPath(snapshotName);
    boolean children = RemoteArguments.yes("remove_child", removeChild);
    DeployedVm vm = VmCommands.remoteVm(run);
    Guard.call(run, () -> Capabilities.call(run, WHAT, () -> {
      service(run).remove(vm, path, children, run.scope());
      return null;
    }));
  }

  private static SnapshotService service(CommandRun run) {
    return Capabilities.require(run, run.backend().snapshots(), WHAT);
  }
}
