package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.host.CallAttempts;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kill-under-load proof at CI scale: 3 AWS sandboxes of 4 apps on moto through three
 * {@code hangar serve} processes, the client balancing over them. Once the 12 Deploys have
 * launched their instances (each held at its "waiting for instance" report, so that they are in
 * flight on every host; or 20 s after the first did) host 0 is killed -9 and restarted: its
 * Deploys fail UNAVAILABLE, are
 * retried on the other hosts and find the instances the dead host launched. Every command
 * succeeds, each Deploy has one instance, and EC2 is left as it was. {@code bench/load --hosts 3}
 * is the 50 × 10 run with a kill every 10 s.
 */
class HostKillLoadTest {
  static {
    System.setProperty("HANGAR_LOG_LEVEL", System.getProperty("HANGAR_LOG_LEVEL", "WARN"));
  }

  private static final int SANDBOXES = 3;
  private static final int APPS = 4;

  @Test
  void aHostKilledUnderLoadLosesNothingAndDuplicatesNothing() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch launched = new CountDownLatch(SANDBOXES * APPS);
    CountDownLatch release = new CountDownLatch(1);
    HostKillReport r;
    try (HostKillLoad load = new HostKillLoad(message -> {
      if (message.startsWith("waiting for instance") && release.getCount() > 0) {
        first.countDown();
        launched.countDown();
        try {
          release.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    })) {
      CompletableFuture<HostKillReport> run = CompletableFuture.supplyAsync(() -> {
        try {
          return load.run(new HostKillLoad.Config(SANDBOXES, APPS, SANDBOXES, 3, null));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertThat(first.await(240, TimeUnit.SECONDS)).as("a Deploy launched").isTrue();
        // All launched, or 20 s on: a host answers a held progress report's callback after
        // 30 s without it and goes on, so the first held Deploy is still in flight either way.
        launched.await(20, TimeUnit.SECONDS);
        load.killAndRestart(0);
      } finally {
        release.countDown();
      }
      r = run.get(10, TimeUnit.MINUTES);
    }
    System.out.print(r.format());

    assertThat(r.kills()).isEqualTo(1);
    assertThat(r.failures()).isEmpty();
    assertThat(r.failedCalls()).isEmpty();
    // Round robin put about a third of the 12 Deploys on host 0; each was retried and ran.
    assertThat(r.sawUnavailable()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.outcome()).isEqualTo(Status.Code.OK);
      assertThat(c.attempts()).last().isEqualTo(Status.Code.OK);
    });
    assertThat(r.sawUnavailable()).extracting(CallAttempts.Call::method)
        .contains("hangar.v1.CloudProvider/Deploy");
    assertThat(r.instancesPerAction()).as("one instance per Deploy actionId, none twice")
        .hasSize(SANDBOXES * APPS).allSatisfy((action, n) -> assertThat(n).isEqualTo(1));
    assertThat(r.left()).as("left in EC2").isEmpty();
    assertThat(r.clean()).isTrue();
  }
}
