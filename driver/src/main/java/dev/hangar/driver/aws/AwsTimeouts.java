package dev.hangar.driver.aws;

import java.time.Duration;

/**
 * The bounds of the AWS backend's waits and of the SDK's retries. {@code poll} is how often a
 * waiter looks again; {@code sleeper} lets tests run waits without real time passing;
 * {@code retryBase} and {@code throttlingBase} are the first backoff delays of the SDK's standard
 * retry strategy for transient errors and for throttling ({@code RequestLimitExceeded}).
 */
record AwsTimeouts(Duration running, Duration stopped, Duration terminated, Duration cleanup,
    Duration poll, int maxAttempts, Duration retryBase, Duration throttlingBase,
    Sleeper sleeper) {
  static final AwsTimeouts DEFAULT = new AwsTimeouts(Duration.ofMinutes(10),
      Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(5),
      Duration.ofSeconds(3), 8, Duration.ofMillis(200), Duration.ofSeconds(1), Sleeper.REAL);

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
