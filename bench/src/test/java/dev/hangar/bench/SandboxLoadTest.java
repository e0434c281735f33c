package dev.hangar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.bench.SandboxLoadReport.CommandStats;
import org.junit.jupiter.api.Test;

/**
 * The sandbox load at CI scale (5 sandboxes × 10 apps, 3 at a time, through one gRPC host on
 * loopback): every command of every sandbox succeeds and nothing is left on the hypervisor or in
 * OVSDB. {@code bench/load} runs the full 50 × 10 and prints the same report.
 */
class SandboxLoadTest {
  static {
    // 500 commands would print 500 host log lines; before logback starts, as bench/load does.
    System.setProperty("HANGAR_LOG_LEVEL", System.getProperty("HANGAR_LOG_LEVEL", "WARN"));
  }

  @Test
  void fiveSandboxesOfTenAppsSetUpAndTearDownCleanlyThroughOneHost() throws Exception {
    SandboxLoadReport r;
    try (SandboxLoad load = new SandboxLoad()) {
      r = load.run(new SandboxLoad.Config(5, 10, 3));
    }
    System.out.print(r.format());

    assertThat(r.failures()).isEmpty();
    // Each app: Deploy, PowerOn, refresh, details, PowerOff, Delete; each sandbox: 2 requests.
    assertThat(r.commands()).extracting(CommandStats::command, CommandStats::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Deploy", 50),
            org.assertj.core.groups.Tuple.tuple("ApplyConnectivityChanges/setVlan", 5),
            org.assertj.core.groups.Tuple.tuple("PowerOn", 50),
            org.assertj.core.groups.Tuple.tuple("remote_refresh_ip", 50),
            org.assertj.core.groups.Tuple.tuple("GetVmDetails", 50),
            org.assertj.core.groups.Tuple.tuple("ApplyConnectivityChanges/removeVlan", 5),
            org.assertj.core.groups.Tuple.tuple("PowerOff", 50),
            org.assertj.core.groups.Tuple.tuple("DeleteInstance", 50));
    assertThat(r.domainsLeft()).as("domains left").isEmpty();
    assertThat(r.volumesLeft()).as("volumes left (the template stays)").isEmpty();
    assertThat(r.portsLeft()).as("OVS ports left").isEmpty();
    assertThat(r.interfacesLeft()).as("OVS interfaces left").isEmpty();
    assertThat(r.clean()).isTrue();
  }
}
