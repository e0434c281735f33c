package dev.hangar.driver.kvm;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.ComputeService;

/** The KVM cloud for one command. Cheap: the live connections belong to the runtime. */
final class KvmBackend implements Backend {
  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final KvmCompute compute;

  KvmBackend(KvmSettings settings, KvmRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
    this.compute = new KvmCompute(settings, runtime);
  }

  @Override
  public AutoLoadDetails validate() {
    return new KvmInventory(settings, runtime).validate();
  }

  @Override
  public ComputeService compute() {
    return compute;
  }
}
