package dev.hangar.driver.aws;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import java.util.Map;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The EC2 client of one command with the helpers every step needs: calls whose failures become
 * Hangar errors, deletes that treat "already gone" as success, deletes retried while EC2 still
 * sees a dependency, and cancellable sleeps on the test-controllable clock.
 */
final class Ec2Session implements AutoCloseable {
  /** The longest pause between two looks of a wait: the SDK's EC2 waiters poll every 15 s. */
  static final Duration MAX_POLL = Duration.ofSeconds(15);
  private final Ec2Client ec2;
  private final AwsSettings settings;
  private final AwsTimeouts timeouts;
  private final Supplier<SandboxLease> lease;
  private final Supplier<Quotas> quotas;
  private SandboxLease marks;

  Ec2Session(Ec2Client ec2, AwsSettings settings, AwsTimeouts timeouts) {
    this(ec2, settings, timeouts, () -> new SandboxLease("", "", null), () -> Quotas.NONE);
  }

  /**
   * {@code lease}: the marks of the objects this command makes, read on first use;
   * {@code quotas}: the provider's Quotas, read by each Deploy (a malformed value fails Deploys
   * only, not the sandbox's other commands).
   */
  Ec2Session(Ec2Client ec2, AwsSettings settings, AwsTimeouts timeouts,
      Supplier<SandboxLease> lease, Supplier<Quotas> quotas) {
    this.lease = lease;
    this.quotas = quotas;
    this.ec2 = ec2;
    this.settings = settings;
    this.timeouts = timeouts;
  }

  Ec2Client ec2() {
    return ec2;
  }

  AwsSettings settings() {
    return settings;
  }

  AwsTimeouts timeouts() {
    return timeouts;
  }

  /**
   * The tags of a new sandbox object ({@link Tags#of}) with the command's {@link SandboxLease}
   * marks: the owner domain and the expiry, set by the create call itself.
   */
  Map<String, String> tagged(String sandbox, String role, String name,
      Map<String, String> extra) {
    Map<String, String> t = Tags.of(sandbox, role, name, extra);
    SandboxLease l = lease();
    t.put(Tags.EXPIRES, l.expiresMark());
    t.put(Tags.DOMAIN, l.ownerDomain());
    return t;
  }

  /** The provider's quotas; a ClientException naming the attribute when they do not parse. */
  Quotas quotas() {
    return quotas.get();
  }

  /** The owner domain the objects of this command are marked with ("" when none). */
  String ownerDomain() {
    return lease().ownerDomain();
  }

  private synchronized SandboxLease lease() {
    if (marks == null) {
      marks = lease.get();
    }
    return marks;
  }

  /** Runs one EC2 call; {@code what} names it in the error. */
  <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw Ec2Errors.wrap(what, e, settings);
    }
  }

  void run(String what, Runnable call) {
    call(what, () -> {
      call.run();
      return null;
    });
  }

  /** A delete; an object already gone is success. Returns false when it was already gone. */
  boolean delete(String what, Runnable call) {
    try {
      call.run();
      return true;
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e)) {
        return false;
      }
      throw Ec2Errors.wrap(what, e, settings);
    }
  }

  /**
   * A delete retried while EC2 says the object is still in use (DependencyViolation: an ENI of a
   * terminated instance lingers for a while) until {@code deadline}. Returns false when the
   * object was already gone.
   */
  boolean deleteWhenFree(String what, Runnable call, long deadline, CommandScope scope) {
    for (int attempt = 0; ; attempt++) {
      try {
        call.run();
        return true;
      } catch (SdkException e) {
        if (Ec2Errors.notFound(e)) {
          return false;
        }
        if (!Ec2Errors.inUse(e) || now() >= deadline) {
          throw Ec2Errors.wrap(what, e, settings);
        }
        pause(scope, what, attempt);
      }
    }
  }

  long now() {
    return timeouts.sleeper().nanoTime();
  }

  long deadline(Duration bound) {
    return now() + bound.toNanos();
  }

  /**
   * Waits before look number {@code attempt + 1} of one wait; cancellation ends the wait. The
   * pause backs off as AWS asks of pollers: {@code poll} doubled per look, capped at 15 s (the
   * delay of the SDK's own EC2 waiters) or 8 polls, whichever is less, plus up to half again of
   * random jitter so that many waiters do not look in step.
   */
  void pause(CommandScope scope, String waitingFor, int attempt) {
    scope.checkCancelled(waitingFor);
    long base = timeouts.poll().toNanos();
    long cap = Math.min(MAX_POLL.toNanos(), base * 8);
    long delay = Math.min(cap, base << Math.min(attempt, 20));
    delay += (long) (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * delay / 2);
    try {
      timeouts.sleeper().sleep(Duration.ofNanos(delay));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandCancelledException("interrupted while waiting: " + waitingFor);
    }
  }

  /** The error of a wait that ran out of time. */
  static BackendException timedOut(String what, Duration bound, String last) {
    return new BackendException(what + " did not happen within " + bound.toSeconds() + " s"
        + (last.isEmpty() ? "" : " (last seen: " + last + ")"), true, false, null);
  }

  @Override
  public void close() {
    ec2.close();
  }
}
