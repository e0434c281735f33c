package dev.hangar.bench;

import java.util.List;

/** What a sandbox load run measured and what it left behind. */
public record SandboxLoadReport(SandboxLoad.Config config, long wallNanos,
    List<CommandStats> commands, List<String> failures, long peakHeapBytes,
    long heapAfterGcBytes, long peakRssKib, long rssKib, List<String> domainsLeft,
    List<String> volumesLeft, List<String> portsLeft, List<String> interfacesLeft) {
  /** Latencies of one command, in nanoseconds. */
  public record CommandStats(String command, int count, int failures, long p50, long p99,
      long max) {}

  public int commandCount() {
    return commands.stream().mapToInt(CommandStats::count).sum();
  }

  public int failureCount() {
    return commands.stream().mapToInt(CommandStats::failures).sum();
  }

  public boolean clean() {
    return failureCount() == 0 && domainsLeft.isEmpty() && volumesLeft.isEmpty()
        && portsLeft.isEmpty() && interfacesLeft.isEmpty();
  }

  /** The report as a table and a summary. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    double secs = wallNanos / 1e9;
    sb.append(String.format("%d sandboxes x %d apps, %d sandboxes at a time, through one host%n",
        config.sandboxes(), config.apps(), config.parallel()));
    sb.append(String.format("%-34s %6s %6s %9s %9s %9s%n", "command", "calls", "failed",
        "p50 ms", "p99 ms", "max ms"));
    for (CommandStats c : commands) {
      sb.append(String.format("%-34s %6d %6d %9.1f %9.1f %9.1f%n", c.command(), c.count(),
          c.failures(), c.p50() / 1e6, c.p99() / 1e6, c.max() / 1e6));
    }
    sb.append(String.format("wall %.1f s: %.1f sandboxes/min, %.0f apps/min, %.0f commands/s%n",
        secs, config.sandboxes() / secs * 60, config.sandboxes() * config.apps() / secs * 60,
        commandCount() / secs));
    sb.append(String.format("host JVM: heap peak %.0f MiB, %.0f MiB after GC; RSS peak %.0f"
        + " MiB, now %.0f MiB%n", peakHeapBytes / 1048576.0, heapAfterGcBytes / 1048576.0,
        peakRssKib / 1024.0, rssKib / 1024.0));
    sb.append(String.format("left behind: %d domains, %d volumes, %d OVS ports, %d interfaces%n",
        domainsLeft.size(), volumesLeft.size(), portsLeft.size(), interfacesLeft.size()));
    failures.stream().limit(10).forEach(f -> sb.append("FAILED ").append(f).append('\n'));
    return sb.toString();
  }
}
