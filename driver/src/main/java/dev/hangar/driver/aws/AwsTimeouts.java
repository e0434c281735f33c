package dev.hangar.driver.aws;

import java.time.Duration;

/**
 * The bounds of the AWS backend's waits and of the SDK's retries. {@code poll} is how often a
 * waiter looks again; {@code sleeper} lets tests run waits without real time passing;
 * {@code retryBase} and {@code throttlingBase} are the first backoff delays of the SDK's standard
 * retry strategy for transient errors and for throttling ({@code RequestLimitExceeded});
 * {@code quotaSettle} is how long after its launch a Deploy under quotas counts its scope a second
 * time ({@link Ec2Quota}): longer than EC2's launch-time resolution (one second) plus the time an
 * instance takes to show in DescribeInstances everywhere; {@code claimStale} is the age past which
 * a Deploy takes over another attempt's claim on its action ({@link Ec2DeployClaims}): its holder
 * died.
 */
record AwsTimeouts(Duration running, Duration stopped, Duration terminated, Duration cleanup,
    Duration poll, int maxAttempts, Duration retryBase, Duration throttlingBase,
    Sleeper sleeper, Duration quotaSettle, Duration claimStale) {
  static final AwsTimeouts DEFAULT = new AwsTimeouts(Duration.ofMinutes(10),
      Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(5),
      Duration.ofSeconds(3), 8, Duration.ofMillis(200), Duration.ofSeconds(1), Sleeper.REAL,
      Duration.ofSeconds(10), Ec2DeployClaims.STALE);
  /** The settle of a strongly consistent peer (moto): just past the launch-time resolution. */
  static final Duration CONSISTENT_SETTLE = Duration.ofMillis(2500);

  /** Bounds for a strongly consistent EC2 peer: {@link #CONSISTENT_SETTLE}. */
  AwsTimeouts(Duration running, Duration stopped, Duration terminated, Duration cleanup,
      Duration poll, int maxAttempts, Duration retryBase, Duration throttlingBase,
      Sleeper sleeper) {
    this(running, stopped, terminated, cleanup, poll, maxAttempts, retryBase, throttlingBase,
        sleeper, CONSISTENT_SETTLE, Ec2DeployClaims.STALE);
  }

  /** The same bounds with another stale limit for deploy claims (tests make it tiny). */
  AwsTimeouts withClaimStale(Duration stale) {
    return new AwsTimeouts(running, stopped, terminated, cleanup, poll, maxAttempts, retryBase,
        throttlingBase, sleeper, quotaSettle, stale);
  }

  /** Sleeps and tells time; the real one uses the system clock. */
  interface Sleeper {
    Sleeper REAL = new Sleeper() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
      }
    };

    long nanoTime();

    void sleep(Duration d) throws InterruptedException;
  }
}
