package dev.hangar.driver.openstack;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.openstack4j.model.identity.v3.Token;

/**
 * Keystone tokens kept across commands, one per login (Keystone URL, domain, project, user and a
 * SHA-256 of the password): a login costs Keystone a password hash (bcrypt) and was the
 * driver's main cost over a bare openstack4j loop. Only credentials' tokens are kept, no
 * sandbox state. A token is used until {@link #MARGIN} before it expires, or until OpenStack
 * answers 401 for it ({@link #forget}); a changed password is another key, so a wrong password
 * never rides on an earlier right one. Neither the password nor a token is ever logged: the
 * key holds only the digest and {@link Key#toString()} leaves it out.
 */
final class KeystoneTokens {
  /** A token this close to its expiry is not handed out: a command may run for minutes. */
  static final Duration MARGIN = Duration.ofMinutes(5);
  /** The tokens of the driver process. */
  static final KeystoneTokens SHARED = new KeystoneTokens(Clock.systemUTC());

  private final Clock clock;
  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();

  KeystoneTokens(Clock clock) {
    this.clock = clock;
  }

  /** Who logs in where; the password only as its digest. */
  record Key(String keystoneUrl, String domain, String project, String user,
      String passwordDigest) {
    static Key of(OpenStackSettings s) {
      return new Key(s.keystoneUrl(), s.domain(), s.project(), s.user(), digest(s.password()));
    }

    @Override
    public String toString() {
      return user + "@" + domain + "/" + project + " on " + keystoneUrl;
    }
  }

  /**
   * The key's token, logging in with {@code login} when there is none or it expires within
   * {@link #MARGIN}. Logins of one key are serialized, so that a burst of commands makes one.
   */
  Token get(Key key, Supplier<Token> login) {
    Token t = tokens.get(key);
    if (fresh(t)) {
      return t;
    }
    synchronized (lockOf(key)) {
      t = tokens.get(key);
      if (fresh(t)) {
        return t;
      }
      Token made = login.get();
      tokens.put(key, made);
      return made;
    }
  }

  /** Drops {@code stale} (OpenStack refused it), unless a newer token replaced it already. */
  void forget(Key key, Token stale) {
    tokens.remove(key, stale);
  }

  /** openstack4j renewed {@code old} on a 401: {@code renewed} is kept in its place. */
  void replace(Key key, Token old, Token renewed) {
    tokens.replace(key, old, renewed);
  }

  private boolean fresh(Token t) {
    if (t == null) {
      return false;
    }
    if (t.getExpires() == null) {
      return true; // a Keystone that gives no expiry: used until it answers 401
    }
    Instant expires = t.getExpires().toInstant();
    return clock.instant().plus(MARGIN).isBefore(expires);
  }

  private final Map<Key, Object> locks = new ConcurrentHashMap<>();

  private Object lockOf(Key key) {
    return locks.computeIfAbsent(key, k -> new Object());
  }

  private static String digest(String password) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
