package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.datamodel.SegmentKind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The claim's name and when a claim counts as left behind, without a cloud: names are fixed by
 * the sandbox and actionId, distinct for others, and acceptable to Nova; a fresh claim of
 * another process is held, a stale one and one of an ended attempt of this process are not.
 */
class ServerClaimsTest {
  private final ServerClaims claims = new ServerClaims(new OsSession(new OpenStackSettings(
      "p", "http://127.0.0.1:9/v3", "Default", "admin", "admin", "pw", "", "physnet1", 1000,
      2000, "", "mgmt", "", SegmentKind.VLAN), OpenStackTimeouts.DEFAULT));

  @Test
  void aNameIsFixedBySandboxAndActionIdAndFitsNova() {
    String name = ServerClaims.name("sbx-1", "action-1");
    assertThat(name).isEqualTo(ServerClaims.name("sbx-1", "action-1"))
        .startsWith(ServerClaims.PREFIX).hasSize(ServerClaims.PREFIX.length() + 40)
        .matches("[a-z0-9-]+");
    assertThat(ServerClaims.isClaim(name)).isTrue();
    assertThat(name).isNotEqualTo(ServerClaims.name("sbx-1", "action-2"))
        .isNotEqualTo(ServerClaims.name("sbx-2", "action-1"))
        // a separator keeps the sandbox and the actionId apart
        .isNotEqualTo(ServerClaims.name("sbx-1action-1", ""));
    assertThat(ServerClaims.isClaim(SandboxMarks.keyPair("sbx-1"))).isFalse();
  }

  @Test
  void aFreshClaimOfAnotherHostIsHeldAndAStaleOrEndedOneIsNot() {
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    Duration stale = OpenStackTimeouts.CLAIM_STALE;
    String name = ServerClaims.name("s", "a");
    assertThat(claims.leftBehind(new ServerClaims.Seen(name, "another-host", "t1",
        now.minus(stale).plusSeconds(1)), now)).isNull();
    assertThat(claims.leftBehind(new ServerClaims.Seen(name, "another-host", "t1", null), now))
        .as("an undated claim is taken as new").isNull();
    assertThat(claims.leftBehind(new ServerClaims.Seen(name, "another-host", "t1",
        now.minus(stale).minusSeconds(1)), now)).contains("more than 15 minutes ago");
    assertThat(claims.leftBehind(new ServerClaims.Seen(name, ServerClaims.process(),
        "an-attempt-that-ended", now), now)).contains("attempt of this host that has ended");
  }
}
