package dev.hangar.driver.aws;

import dev.hangar.driver.spi.CommandScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The conditional write that makes one Deploy actionId one instance however many sandbox hosts
 * run it at once: before it looks for the action's instance, a Deploy imports an EC2 key pair
 * named after the sandbox and the actionId ({@link #name}). Key pair names are unique per account
 * and region and EC2 refuses a second import of a name ({@code InvalidKeyPair.Duplicate}), so of
 * the attempts that race, one holds the claim; the others wait until it is released and then
 * adopt the instance (or, if the holder rolled back, claim again). EC2 has no compare-and-set
 * on tags, and RunInstances' client token, which makes the same launch twice one instance on
 * EC2 itself, is ignored by EC2-compatible clouds (moto) and cannot help once a rolled-back
 * attempt's instance holds the token: hence a create that EC2 refuses to do twice.
 *
 * <p>The key pair is a marker only: it is imported with {@link #PUBLIC_KEY}, an ed25519 public
 * key whose private half was discarded when it was generated, and no instance is ever launched
 * with it (instances get the sandbox's own key pair), so nobody can log in with it. Its tags
 * ({@link Tags#ROLE} = {@link Tags#ROLE_DEPLOY_CLAIM}, the sandbox, the action, the sandbox's
 * expiry) say what it is; EC2's {@code CreateTime} dates it, so a claim left by a host that died
 * is taken over once older than the stale limit. Quotas count instances only and the inventory
 * lists nothing, so neither ever sees a claim; CleanupSandboxInfra deletes the sandbox's claims
 * and the reaper the stale ones of every sandbox.
 *
 * <p>An EC2-compatible cloud may check a name and insert it without a lock (moto's server does),
 * so two imports at the same instant could both succeed. The holder therefore reads the claim
 * back before it releases it ({@link #releaseIfHeld}): when the claim is another attempt's,
 * that attempt holds it and this one gives way. On EC2 itself the second import always fails.
 */
final class Ec2DeployClaims {
  /**
   * Longer than any holder takes from its claim to its launch (three or four calls: in the
   * {@code bench/load --hosts 3} runs, 30 claims taken over and no action with two instances,
   * so none was taken from a live holder before its launch); short, because the retry of a
   * Deploy whose host died in that window waits this long, and with a host killed every 10 s
   * (hosts living about 30 s) the one minute it was made such retries outlive their own hosts
   * too. A premature takeover is safe: the holder reads its claim back before release and gives
   * way (on EC2 the client token gives both attempts one instance). See {@link AwsTimeouts}.
   */
  static final Duration STALE = Duration.ofSeconds(20);
  static final String PREFIX = "hangar-claim-";
  /**
   * The claim's public key: generated once with ssh-keygen, the private key thrown away at once.
   * A fixed key keeps the import cheap and harmless; it opens nothing.
   */
  static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGgv/do3ugQvI+zg0koa2Sl"
      + "L2nCSQ87BTVrZuNUD4reN hangar deploy claim (no private key kept)";

  private final Ec2Session s;

  Ec2DeployClaims(Ec2Session s) {
    this.s = s;
  }

  /** A claim this attempt holds: its key pair's name and id. */
  record Claim(String name, String keyPairId) {}

  /** The claim as EC2 shows it: whose it is (its key pair id) and when it was made. */
  record Seen(String keyPairId, Instant createdAt) {}

  /** The claim's key pair name for an action of a sandbox: a hash, so any id fits. */
  static String name(String sandbox, String actionId) {
    return PREFIX + DeployPlan.sha256(sandbox + "/" + actionId).substring(0, 40);
  }

  /** Whether a key pair name is a claim's (sandbox key pairs are {@code hangar-<sandbox>}). */
  static boolean isClaim(String keyName) {
    return keyName != null && keyName.startsWith(PREFIX);
  }

  /**
   * Claims the action: empty when another attempt holds it (EC2 refused the import as a
   * duplicate).
   */
  Optional<Claim> tryClaim(String sandbox, String actionId) {
    String name = name(sandbox, actionId);
    Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_DEPLOY_CLAIM, name,
        Map.of(Tags.ACTION, actionId));
    try {
      String id = s.ec2().importKeyPair(q -> q.keyName(name)
          .publicKeyMaterial(SdkBytes.fromString(PUBLIC_KEY, StandardCharsets.US_ASCII))
          .tagSpecifications(Tags.spec(ResourceType.KEY_PAIR, tags))).keyPairId();
      return Optional.of(new Claim(name, id == null ? "" : id));
    } catch (SdkException e) {
      if ("InvalidKeyPair.Duplicate".equals(Ec2Errors.code(e))) {
        return Optional.empty();
      }
      throw Ec2Errors.wrap("claim the Deploy of action " + actionId, e, s.settings());
    }
  }

  /** The claim of {@code name} as EC2 shows it now, or empty when there is none. */
  Optional<Seen> holder(String name) {
    // A filter, not KeyNames: a missing name is then an empty answer, not an error.
    List<KeyPairInfo> found = s.call("read deploy claim " + name, () -> s.ec2()
        .describeKeyPairs(q -> q.filters(Tags.filter("key-name", name))).keyPairs());
    return found.stream().filter(k -> name.equals(k.keyName())).findFirst()
        .map(Ec2DeployClaims::seen);
  }

  /** Deletes the claim by its name (what every EC2-compatible cloud knows); gone is success. */
  void release(String name) {
    s.delete("release deploy claim " + name, () -> s.ec2().deleteKeyPair(q -> q.keyName(name)));
  }

  /**
   * Releases the claim once its instance is ready, after reading it back: false (and nothing
   * released) when it is another attempt's now, because an EC2-compatible cloud let two imports
   * succeed or another attempt took it over as stale. That attempt launched too, and this one
   * gives way. A claim already gone (taken over, or deleted by Cleanup) is released.
   */
  boolean releaseIfHeld(Claim claim) {
    Optional<Seen> now = holder(claim.name());
    if (now.isEmpty()) {
      return true;
    }
    if (!claim.keyPairId().isEmpty() && !now.get().keyPairId().isEmpty()
        && !now.get().keyPairId().equals(claim.keyPairId())) {
      return false;
    }
    release(claim.name());
    return true;
  }

  /**
   * Waits while another attempt holds the claim {@code name}, bounded by the Deploy's
   * {@code deadline} (a {@link Ec2Session#now}); takes over a claim older than
   * {@link AwsTimeouts#claimStale()} (its host died) by deleting it. Cancellable.
   */
  void await(String name, String vmName, long deadline, CommandScope scope) {
    boolean reported = false;
    Duration stale = s.timeouts().claimStale();
    for (int attempt = 0; ; attempt++) {
      Optional<Seen> held = holder(name);
      if (held.isEmpty()) {
        return;
      }
      if (stale(held.get().createdAt(), Instant.now(), stale)) {
        scope.progress("taking over the Deploy of " + vmName + ": its claim " + name
            + " is older than " + stale.toSeconds() + " s (its host died)");
        release(name);
        return;
      }
      if (!reported) {
        scope.progress("another host is deploying " + vmName + " (claim " + name
            + "); waiting for it");
        reported = true;
      }
      if (s.now() >= deadline) {
        throw Ec2Session.timedOut("another host's Deploy of " + vmName, s.timeouts().running(),
            "claim " + name + " held since " + held.get().createdAt());
      }
      s.pause(scope, "another host's Deploy of " + vmName, attempt);
    }
  }

  /**
   * The claims of one sandbox ({@code sandbox} not null) or of every sandbox, by their role tag.
   */
  List<KeyPairInfo> list(String sandbox) {
    return s.call("find deploy claims", () -> s.ec2().describeKeyPairs(q -> q.filters(
        sandbox == null ? List.of(Tags.role(Tags.ROLE_DEPLOY_CLAIM))
            : List.of(Tags.role(Tags.ROLE_DEPLOY_CLAIM), Tags.sandbox(sandbox)))).keyPairs())
        .stream().filter(k -> isClaim(k.keyName())).toList();
  }

  /** Whether a claim made at {@code createdAt} is older than {@code stale} at {@code now}. */
  static boolean stale(Instant createdAt, Instant now, Duration stale) {
    return createdAt.plus(stale).isBefore(now);
  }

  static Seen seen(KeyPairInfo k) {
    // A cloud that does not date its key pairs: the claim counts as made now (never stale).
    return new Seen(k.keyPairId() == null ? "" : k.keyPairId(),
        k.createTime() == null ? Instant.now() : k.createTime());
  }
}
