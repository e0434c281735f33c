package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims a dead host left behind (DeployClaims) on a libvirt test-driver host with a real
 * ovsdb-server: the next attempt of the Deploy takes a stale one over, the reaper removes stale
 * ones and leaves fresh ones (a Deploy in flight) alone.
 */
class DeployClaimsTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private KvmTestbed bed;
  private Hypervisor host;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    host = bed.provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(bed.uri, null, null), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void aClaimLeftByADeadHostIsTakenOverOnceStaleAndOnlyThen() throws Exception {
    UUID vm = Names.vmUuid("res-1", "act-claimed");
    long longAgo = System.currentTimeMillis() - DeployClaims.STALE.toMillis() - 60_000;
    assertThat(DeployClaims.tryClaim(host, vm, "test", longAgo)).isPresent();
    assertThat(DeployClaims.tryClaim(host, vm, "test", System.currentTimeMillis()))
        .as("held: a second claim is refused").isEmpty();

    JsonNode r = bed.deploy("act-claimed", "web", KvmTestbed.PATH_KERNEL,
        KvmTestbed.kernelAttrs());

    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("vmUuid").asText()).isEqualTo(vm.toString());
    assertThat(DeployClaims.held(host, vm)).as("released once the VM runs").isFalse();
    assertThat(bed.domains()).containsExactly(r.path("vmName").asText());
  }

  @Test
  void theReaperRemovesStaleClaimsAndLeavesFreshOnes() throws Exception {
    UUID stale = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    Instant now = Instant.now();
    long longAgo = now.toEpochMilli() - DeployClaims.STALE.toMillis() - 60_000;
    DeployClaims.tryClaim(host, stale, "test", longAgo).orElseThrow();
    DeployClaims.tryClaim(host, fresh, "test", now.toEpochMilli()).orElseThrow();
    SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(bed.provider),
        c -> bed.api);

    ReapReport dry = reaping.reap(context(), true, now, CancellationContext.NONE);
    assertThat(dry.lines()).singleElement().satisfies(l -> {
      assertThat(l.outcome()).isEqualTo(Outcome.WOULD_REMOVE);
      assertThat(l.kind()).isEqualTo("deploy claim");
      assertThat(l.id()).isEqualTo(DeployClaims.name(stale));
    });
    assertThat(DeployClaims.held(host, stale)).isTrue();

    ReapReport done = reaping.reap(context(), false, now, CancellationContext.NONE);
    assertThat(done.lines()).singleElement()
        .satisfies(l -> assertThat(l.outcome()).isEqualTo(Outcome.REMOVED));
    assertThat(DeployClaims.held(host, stale)).isFalse();
    assertThat(DeployClaims.held(host, fresh)).isTrue();
    assertThat(reaping.reap(context(), false, now, CancellationContext.NONE).lines()).isEmpty();
  }

  /**
   * {@code hangar reap --as-of} a later date judges the sandboxes' expiry by that date, but a
   * claim's staleness by the real clock: a Deploy in flight keeps its claim.
   */
  @Test
  void reapingAsOfALaterDateLeavesTheClaimsOfDeploysInFlight() throws Exception {
    UUID inFlight = UUID.randomUUID();
    UUID stale = UUID.randomUUID();
    DeployClaims.tryClaim(host, inFlight, "test", System.currentTimeMillis()).orElseThrow();
    DeployClaims.tryClaim(host, stale, "test",
        System.currentTimeMillis() - DeployClaims.STALE.toMillis() - 60_000).orElseThrow();
    SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(bed.provider),
        c -> bed.api);
    Instant nextYear = Instant.now().plus(Duration.ofDays(365));

    ReapReport dry = reaping.reap(context(), true, nextYear, CancellationContext.NONE);
    assertThat(dry.lines()).extracting(ReapReport.Line::id)
        .containsExactly(DeployClaims.name(stale));
    ReapReport done = reaping.reap(context(), false, nextYear, CancellationContext.NONE);

    assertThat(done.lines()).singleElement().satisfies(l -> {
      assertThat(l.outcome()).isEqualTo(Outcome.REMOVED);
      assertThat(l.id()).isEqualTo(DeployClaims.name(stale));
    });
    assertThat(DeployClaims.held(host, inFlight)).as("the Deploy in flight keeps its claim")
        .isTrue();
    assertThat(DeployClaims.held(host, stale)).isFalse();
  }

  private String context() {
    return "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(bed.attributes) + "}}";
  }
}
