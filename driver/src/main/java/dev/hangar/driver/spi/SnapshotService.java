package dev.hangar.driver.spi;

import java.util.List;

/**
 * Snapshots of a deployed VM (remote_save_snapshot, remote_get_snapshots,
 * remote_restore_snapshot, remote_remove_snapshot). A snapshot is named by its path: its parents'
 * names and its own, joined by {@code /} ({@code "base/after-install"}), as vCenter's shell names
 * them; a cloud without a tree of snapshots names each by its own name alone. The driver has
 * checked the name (not blank, no {@code /}) before {@link #save}.
 */
public interface SnapshotService {
  /**
   * Takes a snapshot of the VM, running or not, named {@code name}; with {@code withMemory} the
   * running state too (a restore then resumes the VM where it was). Returns the new snapshot's
   * path. A name the VM already has is a {@link dev.hangar.driver.ClientException}.
   */
  String save(DeployedVm vm, String name, boolean withMemory, CommandScope scope);

  /** The VM's snapshot paths, each parent before its children, oldest first. */
  List<String> list(DeployedVm vm, CommandScope scope);

  /**
   * Brings the VM back to the snapshot: its disks (and its memory and power state, when the
   * snapshot has them). An unknown path is a {@link dev.hangar.driver.ClientException} naming the
   * paths there are.
   */
  void restore(DeployedVm vm, String path, CommandScope scope);

  /**
   * Deletes the snapshot, keeping the VM as it is; with {@code withChildren} its descendants too,
   * otherwise they stay (re-parented). A snapshot already gone is success.
   */
  void remove(DeployedVm vm, String path, boolean withChildren, CommandScope scope);
}
