package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ReapReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.model.compute.Keypair;

/**
 * The conditional write that makes one Deploy actionId one server however many sandbox hosts
 * run it at once. Nova has no idempotency token for a boot, but it refuses a second key pair of
 * one name for one user (a unique constraint in its database: 409), so before it looks for or
 * boots its server a Deploy creates a key pair named {@code hangar-claim-<hash of sandbox and
 * actionId>}: of the attempts that race, exactly one holds the claim. The holder finds the
 * server an earlier attempt made or boots one, and releases the claim (deletes the key pair)
 * once the server is ACTIVE with its floating IP, or after its rollback; the others wait until
 * it is released, then claim in turn and find (adopt) that server, or boot one if the holder
 * rolled back.
 *
 * <p>The key pair is never given to a server and never used to log in: its public key is a
 * fixed ed25519 key whose private key was discarded when it was generated. Its comment names
 * the process and the attempt that hold it. Nova's {@code created_at} dates it: a claim older
 * than {@link OpenStackTimeouts#claimStale} was left by a host that died (no Deploy holds one
 * that long: the wait for ACTIVE is bounded by 10 minutes) and is taken over: the taker reads
 * it again, deletes it only if it is still the same attempt's, and claims again, so the
 * create's uniqueness still decides between two takers. A claim of this process whose attempt
 * has ended (its release failed, say because nova-api was down) is taken over at once, so a
 * retry on the same host does not wait. Clocks of the hosts and Nova are taken to agree within
 * minutes. Quotas, inventory and the sandbox's own key pair never see claims; the reaper
 * removes stale ones ({@link #stale}). All hosts of one provider log in as the same user (the
 * provider's attributes), which is what makes the names collide.
 */
final class ServerClaims {
  /** The start of every claim's name; sandbox key pairs are {@code hangar-<sandbox>}. */
  static final String PREFIX = "hangar-claim-";
  /** An ed25519 public key whose private key nobody has: a claim opens no server. */
  static final String KEY = "ssh-ed25519 "
      + "AAAAC3NzaC1lZDI1NTE5AAAAILDZT7bERPs4IOKjwCWyEJ4VoZwHtXJ5ZQHOeiRnldKl";
  /** This process, as its claims' comments name it. */
  private static final String PROCESS = UUID.randomUUID().toString();
  /** The attempts of this process that hold a claim now (their tokens). */
  private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();
  /** A 409 on create while no claim can be read: this many in a row is an error. */
  private static final int MAX_PHANTOMS = 5;

  private final OsSession s;

  ServerClaims(OsSession s) {
    this.s = s;
  }

  /** The claim's name for the Deploy of {@code actionId} in {@code sandbox}. */
  static String name(String sandbox, String actionId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((sandbox + "\n" + actionId)
          .getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(d).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** This process's id, as its claims' comments carry it. */
  static String process() {
    return PROCESS;
  }

  /** Whether a key pair name is a claim's. */
  static boolean isClaim(String keyPairName) {
    return keyPairName != null && keyPairName.startsWith(PREFIX);
  }

  /**
   * A claim as Nova shows it.
   *
   * @param process the process that took it ("" when its comment is not ours)
   * @param token the attempt that took it ("" likewise)
   * @param created when Nova made it, or null when it did not say
   */
  record Seen(String name, String process, String token, Instant created) {
    /** How old it is at {@code now}; zero when its creation is unknown. */
    Duration age(Instant now) {
      return created == null ? Duration.ZERO : Duration.between(created, now);
    }
  }

  /** A claim this attempt holds. */
  final class Held {
    private final String name;
    private final String token;
    private final long takenNanos = System.nanoTime();
    private boolean released;

    private Held(String name, String token) {
      this.name = name;
      this.token = token;
    }

    String name() {
      return name;
    }

    /**
     * Deletes the key pair if it is still this attempt's; gone already is success, and a claim
     * released once is not touched again. Past half the stale limit (another attempt may have
     * taken it over) it is read first, so that another's claim is never deleted.
     */
    synchronized void release() {
      if (released) {
        return;
      }
      try {
        Duration held = Duration.ofNanos(System.nanoTime() - takenNanos);
        if (held.compareTo(s.timeouts().claimStale().dividedBy(2)) < 0
            || read(name).filter(x -> x.token().equals(token)).isPresent()) {
          delete(name);
        }
        released = true;
      } finally {
        // even when the delete failed: the claim is then left, and a retry of this process
        // takes it over at once instead of waiting for it to be stale
        LIVE.remove(token);
      }
    }

    /** {@link #release()}, reporting a failure as progress: the server is made and kept. */
    void releaseKeeping(CommandScope scope) {
      try {
        release();
      } catch (RuntimeException e) {
        scope.progress("could not release the deploy claim " + name + " (" + e.getMessage()
            + "); another attempt of this Deploy takes it over once it is "
            + s.timeouts().claimStale().toMinutes() + " minutes old");
      }
    }
  }

  /**
   * Takes the claim {@code name}, waiting while another attempt holds it (with a progress line,
   * cancellable) and taking over one left by a dead host or an ended attempt of this process.
   *
   * @param what the server the claim is for, for messages
   */
  Held take(String name, String what, CommandScope scope) {
    int phantoms = 0;
    boolean reported = false;
    while (true) {
      scope.checkCancelled("claiming the Deploy of " + what);
      Optional<Held> held = tryTake(name);
      if (held.isPresent()) {
        return held.get();
      }
      while (true) {
        Optional<Seen> seen = read(name);
        if (seen.isEmpty()) {
          // released meanwhile: claim again; a 409 that no read explains is not a claim
          if (++phantoms >= MAX_PHANTOMS) {
            throw BackendException.failed("claim the Deploy of " + what + ": Nova refused"
                + " key pair " + name + " " + MAX_PHANTOMS + " times but does not show it",
                null);
          }
          break;
        }
        phantoms = 0;
        String left = leftBehind(seen.get(), Instant.now());
        if (left != null) {
          scope.progress("Taking over the Deploy of " + what + ": its claim " + name + " was "
              + left);
          breakIfSame(seen.get());
          break;
        }
        if (!reported) {
          scope.progress("Another host is deploying " + what + " (claim " + name
              + "); waiting for it");
          reported = true;
        }
        s.pause(scope, "another host's Deploy of " + what);
      }
    }
  }

  /**
   * Why {@code seen} is no live attempt's: left by a host that died (stale), or by an attempt
   * of this process that ended without releasing it; null while it may be held.
   */
  String leftBehind(Seen seen, Instant now) {
    Duration stale = s.timeouts().claimStale();
    if (seen.age(now).compareTo(stale) > 0) {
      return "made at " + seen.created() + ", more than " + describe(stale) + " ago";
    }
    if (seen.process().equals(PROCESS) && !LIVE.contains(seen.token())) {
      return "left by an attempt of this host that has ended";
    }
    return null;
  }

  /** Whether {@code seen} is older than the stale limit at {@code now}. */
  boolean stale(Seen seen, Instant now) {
    return seen.age(now).compareTo(s.timeouts().claimStale()) > 0;
  }

  /**
   * The reaper's part: removes (or, dry, lists) the claims older than the stale limit at
   * {@code now}, one line each. A claim holds nothing (no server uses it), so removing a stale
   * one is always safe; fresh ones are Deploys in flight and are kept.
   */
  void reap(Instant now, boolean dryRun, String where, CommandScope scope,
      java.util.List<ReapReport.Line> lines) {
    for (Keypair k : s.call("list the key pairs", () -> s.os().compute().keypairs().list())) {
      if (!isClaim(k.getName())) {
        continue;
      }
      Optional<Seen> seen = read(k.getName());
      if (seen.isEmpty() || !stale(seen.get(), now)) {
        continue; // released meanwhile, or a Deploy in flight
      }
      String why = "deploy claim left since " + seen.get().created();
      if (dryRun) {
        lines.add(new ReapReport.Line(ReapReport.Outcome.WOULD_REMOVE, "deploy-claim",
            k.getName(), where, "", why, ""));
        continue;
      }
      scope.checkCancelled("reaping deploy claims");
      try {
        lines.add(new ReapReport.Line(breakIfSame(seen.get()) ? ReapReport.Outcome.REMOVED
            : ReapReport.Outcome.ALREADY_GONE, "deploy-claim", k.getName(), where, "", why, ""));
      } catch (dev.hangar.driver.HangarException e) {
        lines.add(new ReapReport.Line(ReapReport.Outcome.FAILED, "deploy-claim", k.getName(),
            where, "", why, scope.redact(e.getMessage())));
      }
    }
  }

  /** Deletes the claim {@code seen} if it is still the same attempt's; false when it was not. */
  boolean breakIfSame(Seen seen) {
    Optional<Seen> now = read(seen.name());
    if (now.isEmpty() || !now.get().token().equals(seen.token())
        || !java.util.Objects.equals(now.get().created(), seen.created())) {
      return false; // gone, or taken again by another attempt: not ours to delete
    }
    return delete(seen.name());
  }

  /** The claim {@code name}, or empty when there is none. */
  Optional<Seen> read(String name) {
    Keypair k;
    try {
      k = s.call("read the deploy claim " + name, () -> s.os().compute().keypairs().get(name));
    } catch (BackendException e) {
      if (e.getCause() instanceof ClientResponseException r && r.getStatus() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    if (k == null) {
      return Optional.empty();
    }
    String[] comment = comment(k.getPublicKey());
    return Optional.of(new Seen(name, comment[0], comment[1], k.getCreatedAt() == null ? null
        : k.getCreatedAt().toInstant()));
  }

  /** Deletes the claim {@code name}; false when it was gone already. */
  boolean delete(String name) {
    return s.action("delete the deploy claim " + name, true, () -> s.os().compute().keypairs()
        .delete(name));
  }

  private Optional<Held> tryTake(String name) {
    String token = UUID.randomUUID().toString();
    LIVE.add(token);
    try {
      s.call("take the deploy claim " + name, () -> s.os().compute().keypairs().create(name,
          KEY + " hangar-claim:" + PROCESS + ":" + token));
      return Optional.of(new Held(name, token));
    } catch (BackendException e) {
      LIVE.remove(token);
      if (e.getCause() instanceof ClientResponseException r && r.getStatus() == 409) {
        return Optional.empty();
      }
      if (e.getCause() instanceof ClientResponseException r && r.getStatus() == 403) {
        throw new BackendException("take the deploy claim " + name + ": Nova refused a key"
            + " pair (403: " + e.getMessage() + "); each Deploy in flight holds one key pair"
            + " of the provider's user: raise that user's key_pairs quota", false, false, e);
      }
      throw e;
    } catch (RuntimeException e) {
      LIVE.remove(token);
      throw e;
    }
  }

  /** The process and attempt a claim's public key comment names, or two empty strings. */
  private static String[] comment(String publicKey) {
    if (publicKey != null) {
      for (String word : publicKey.strip().split("\\s+")) {
        if (word.startsWith("hangar-claim:")) {
          String[] p = word.split(":", 3);
          if (p.length == 3) {
            return new String[] {p[1], p[2]};
          }
        }
      }
    }
    return new String[] {"", ""};
  }

  private static String describe(Duration d) {
    return d.toMinutes() > 0 ? d.toMinutes() + " minutes" : d.toMillis() + " ms";
  }
}
