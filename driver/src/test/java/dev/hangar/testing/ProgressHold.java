package dev.hangar.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A progress hook for {@link ProgressHookApi} that holds the command at the first progress line
 * starting with a prefix, on the command's thread, until {@link #release()} (or a bound passes):
 * tests kill or cut off a host while a command waits at a known step.
 */
public final class ProgressHold implements Consumer<String> {
  private final String prefix;
  private final Duration bound;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  public ProgressHold(String prefix, Duration bound) {
    this.prefix = prefix;
    this.bound = bound;
  }

  /** Counts down once a command is held. */
  public CountDownLatch reached() {
    return reached;
  }

  /** Lets the held command (and any later one) go on. */
  public void release() {
    release.countDown();
  }

  @Override
  public void accept(String message) {
    if (message.startsWith(prefix) && reached.getCount() > 0) {
      reached.countDown();
      try {
        release.await(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
