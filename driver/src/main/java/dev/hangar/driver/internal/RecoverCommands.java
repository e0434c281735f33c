package dev.hangar.driver.internal;

/** Recover on the cloud provider: the backend's hypervisor recovery, one line per VM. */
public final class RecoverCommands {
  /** Runs Recover for {@code hypervisor} ("" = every unreachable one of an area). */
  public String recover(CommandRun run, String hypervisor) {
    return Guard.call(run, () -> String.join("\n", Capabilities.call(run, "hypervisor recovery",
        () -> Capabilities.require(run, run.backend().recovery(), "hypervisor recovery")
            .recover(hypervisor == null ? "" : hypervisor.strip(), run.scope()))));
  }
}
