package dev.hangar.driver.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure rules behind expiry marks, quotas and the reap report. */
class SandboxMarksTest {
  @Test
  void aSandboxExpiresWhenAllItsObjectsHaveAndNeverWithAnUnmarkedOne() {
    String early = "2026-12-07T08:00:00Z";
    String late = "2026-12-07T10:00:00Z";
    assertThat(SandboxLease.sandboxExpiry(List.of(early, late)))
        .contains(Instant.parse(late));
    assertThat(SandboxLease.sandboxExpiry(List.of(early, "never"))).isEmpty();
    assertThat(SandboxLease.sandboxExpiry(List.of(early, ""))).isEmpty();
    assertThat(SandboxLease.sandboxExpiry(List.of(early, "next tuesday"))).isEmpty();
    assertThat(new SandboxLease("r", "d", null).expiresMark()).isEqualTo("never");
    assertThat(new SandboxLease("r", "d", Instant.parse("2026-12-07T08:00:00.123Z"))
        .expiresMark()).isEqualTo("2026-12-07T08:00:00Z");
  }

  @Test
  void quotasParseAndNameWhatIsExceeded() {
    Quotas q = Quotas.parse(" domain.vms=2, reservation.RAM = 1024 ,");
    assertThat(q.limits()).isEqualTo(Map.of("domain.vms", 2L, "reservation.ram", 1024L));
    assertThat(q.exceeded("domain", "Lab", Map.of("vms", 2L))).isNull();
    assertThat(q.exceeded("domain", "Lab", Map.of("vms", 3L)))
        .startsWith("quota domain.vms of domain 'Lab' exceeded: 3 in use with this Deploy,"
            + " limit 2");
    assertThat(q.exceeded("reservation", "r1", Map.of("vms", 99L, "ram", 2048L)))
        .contains("reservation.ram").contains("2048 MiB");
    assertThat(Quotas.parse("").isEmpty()).isTrue();
    assertThatThrownBy(() -> Quotas.parse("vms=3")).hasMessageContaining("SCOPE.MEASURE=N");
    assertThatThrownBy(() -> Quotas.parse("domain.disks=3")).hasMessageContaining("MEASURE");
    assertThatThrownBy(() -> Quotas.parse("domain.vms=-1")).hasMessageContaining("from 0");
    assertThatThrownBy(() -> Quotas.parse("domain.vms=lots")).hasMessageContaining("from 0");
  }

  @Test
  void aReportLineIsOneLineWhateverItsFieldsHold() {
    ReapReport.Line l = new ReapReport.Line(ReapReport.Outcome.ALREADY_GONE, "domain",
        "evil\tname\nhere", "test:///x", "res", "sandbox expired at X", "");
    assertThat(l.format()).isEqualTo("already-gone\tdomain\tevil name here\ttest:///x\tres\t"
        + "sandbox expired at X");
    ReapReport r = new ReapReport(List.of(l)).plus(new ReapReport(List.of(new ReapReport.Line(
        ReapReport.Outcome.FAILED, "vpc", "vpc-1", "eu-west-1", "res", "why", "boom\r\n"))));
    assertThat(r.clean()).isFalse();
    assertThat(r.lines().get(1).format()).endsWith("why; boom ");
  }
}
