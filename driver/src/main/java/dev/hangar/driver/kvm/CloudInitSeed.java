package dev.hangar.driver.kvm;

import dev.hangar.driver.kvm.seed.NoCloudSeed;

/** The NoCloud seed image of a VM from its plan: instance id = VM uuid, hostname = VM name. */
final class CloudInitSeed {
  private CloudInitSeed() {}

  static byte[] image(VmPlan plan) {
    return NoCloudSeed.image(plan.uuid().toString(), plan.name(), plan.userData());
  }
}
