package dev.hangar.driver.kvm;

import java.time.Duration;

/**
 * The bounds of the KVM backend's waits. {@code poll} is how often waiters look again;
 * {@code sleeper} lets tests run waits without real time passing.
 */
record KvmTimeouts(Duration connect, Duration ovsdb, Duration gracefulShutdown, Duration poll,
    Sleeper sleeper) {
  static final KvmTimeouts DEFAULT = new KvmTimeouts(Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(1), Sleeper.REAL);

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
