package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.embedded.PrivateOpenStack;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.identity.v3.Token;

/**
 * Keystone tokens kept across commands, on the real stack: sessions of the same credentials
 * share one login; another password is another login (a wrong one is refused even while the
 * right one's token is kept); a token that Keystone revoked is replaced on the next call, which
 * succeeds; a token close to its expiry is not used.
 */
class OpenStackTokensTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();
  private final MovableClock clock = new MovableClock();
  private final KeystoneTokens tokens = new KeystoneTokens(clock);

  private OsSession session(String password) {
    return new OsSession(bed.settings(password), OpenStackTestbed.FAST, tokens);
  }

  private static String managementNetworkId(OsSession s) {
    return new Resolver(s).network(OpenStackSeed.MANAGEMENT, "Management Network");
  }

  @Test
  void sessionsOfOneLoginShareItsToken() {
    OsSession first = session(PrivateOpenStack.PASSWORD);
    String net = managementNetworkId(first);
    OsSession second = session(PrivateOpenStack.PASSWORD);
    assertThat(managementNetworkId(second)).isEqualTo(net);
    assertThat(second.token().getId()).isEqualTo(first.token().getId());

    OsSession wrong = session(PrivateOpenStack.PASSWORD + "x");
    assertThatThrownBy(() -> managementNetworkId(wrong)).isInstanceOf(ClientException.class)
        .hasMessageContaining("refused the login").hasMessageContaining("'OpenStack Password'")
        .hasMessageNotContaining(PrivateOpenStack.PASSWORD);
    assertThat(KeystoneTokens.Key.of(bed.settings(PrivateOpenStack.PASSWORD)).toString())
        .doesNotContain(PrivateOpenStack.PASSWORD).contains("admin");
  }

  @Test
  void aRevokedTokenIsReplacedAndTheCallSucceeds() {
    OsSession first = session(PrivateOpenStack.PASSWORD);
    managementNetworkId(first);
    String revoked = first.token().getId();
    ActionResponse r = bed.admin().identity().tokens().delete(revoked);
    assertThat(r.isSuccess()).as(r.toString()).isTrue();

    // Glance has not seen the token yet (Neutron caches a validation for minutes, so it would
    // still take it): it asks Keystone and is refused
    OsSession next = session(PrivateOpenStack.PASSWORD);
    assertThat(new Resolver(next).image(OpenStackSeed.IMAGE)).isNotEmpty();
    assertThat(next.token().getId()).isNotEqualTo(revoked);
    assertThat(session(PrivateOpenStack.PASSWORD).token().getId())
        .as("the renewed token is the one kept").isEqualTo(next.token().getId());
  }

  @Test
  void aTokenNearItsExpiryIsNotUsed() {
    OsSession first = session(PrivateOpenStack.PASSWORD);
    Token t = first.token();
    clock.set(t.getExpires().toInstant().minus(KeystoneTokens.MARGIN).plusSeconds(1));
    OsSession later = session(PrivateOpenStack.PASSWORD);
    assertThat(later.token().getId()).isNotEqualTo(t.getId());
    assertThat(managementNetworkId(later)).isNotEmpty();
  }

  @Test
  void keysDifferByPasswordAndHoldOnlyItsDigest() {
    OpenStackSettings s = bed.settings("p1");
    KeystoneTokens.Key k = KeystoneTokens.Key.of(s);
    assertThat(KeystoneTokens.Key.of(bed.settings("p1"))).isEqualTo(k);
    assertThat(KeystoneTokens.Key.of(bed.settings("p2"))).isNotEqualTo(k);
    assertThat(k.passwordDigest()).doesNotContain("p1").hasSize(64);
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void set(Instant at) {
      now = at;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
