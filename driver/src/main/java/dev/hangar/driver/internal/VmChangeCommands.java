package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** reconfigure_vm, get_vm_console and PowerCycle on the deployed app of a remote context. */
public final class VmChangeCommands {
  /** How often PowerCycle's wait looks at cancellation. */
  private static final long TICK_MILLIS = 200;
  private final WireCodec codec;

  public VmChangeCommands(WireCodec codec) {
    this.codec = codec;
  }

  public void reconfigure(CommandRun run, String cpu, String ram, String hdd) {
    VmReshape change = RemoteArguments.reshape(cpu, ram, hdd);
    DeployedVm vm = VmCommands.remoteVm(run);
    Guard.call(run, () -> Capabilities.call(run, "reconfigure", () -> {
      run.backend().compute().reconfigure(vm, change, run.scope());
      return null;
    }));
  }

  /** {@code {"kind","url","command","text","note"}}, every key present. */
  public String console(CommandRun run) {
    DeployedVm vm = VmCommands.remoteVm(run);
    ConsoleAccess c = Guard.call(run, () -> Capabilities.call(run, "console",
        () -> run.backend().compute().console(vm, run.scope())));
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kind", c.kind());
    out.put("url", c.url());
    out.put("command", c.command());
    out.put("text", run.secrets().redact(c.text()));
    out.put("note", run.secrets().redact(c.note()));
    return codec.write(out);
  }

  /**
   * Powers the VM off, waits {@code delay} seconds, powers it on. A cancellation during the wait
   * ends the command with the VM off (the caller gave up; nothing was half made).
   */
  public void powerCycle(CommandRun run, String delay) {
    Duration wait = RemoteArguments.delay(delay);
    DeployedVm vm = VmCommands.remoteVm(run);
    Guard.call(run, () -> {
      ComputeService compute = run.backend().compute();
      compute.powerOff(vm, run.scope());
      run.scope().progress("PowerCycle: " + vm.resourceName() + " is off; powering it on in "
          + wait.toMillis() / 1000.0 + " s");
      sleep(run, wait);
      run.scope().checkCancelled("powering " + vm.resourceName() + " on");
      compute.powerOn(vm, run.scope());
      return null;
    });
  }

  private static void sleep(CommandRun run, Duration wait) {
    long end = System.nanoTime() + wait.toNanos();
    try {
      for (long left = wait.toMillis(); left > 0 && !run.scope().isCancelled();
          left = (end - System.nanoTime()) / 1_000_000) {
        Thread.sleep(Math.min(left, TICK_MILLIS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.hangar.driver.CommandCancelledException("PowerCycle was interrupted while"
          + " waiting to power the VM on");
    }
  }
}
