package dev.hangar.driver;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.spi.ReapReport;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code hangar serve --reap-every}: runs a {@link SandboxReaping} for one provider context on a
 * daemon thread, one run after another with {@code every} between the end of a run and the
 * start of the next (so runs never overlap), and hands each report line to {@code log}. A run
 * that fails is logged and the next one tries again. Closing it cancels a run in flight.
 */
public final class PeriodicReaper implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PeriodicReaper(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts reaping: the first run at once, then every {@code every} after each run ends. */
  public static PeriodicReaper start(SandboxReaping reaping, String contextJson, Duration every,
      Clock clock, Consumer<String> log) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the reap period must be positive");
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hangar-reaper");
      t.setDaemon(true);
      return t;
    });
    PeriodicReaper p = new PeriodicReaper(timer);
    CancellationContext cancel = p.closed::get;
    timer.scheduleWithFixedDelay(() -> {
      try {
        ReapReport report = reaping.reap(contextJson, false, clock.instant(), cancel);
        report.lines().forEach(l -> log.accept(l.format()));
        if (!report.lines().isEmpty()) {
          log.accept(summary(report));
        }
      } catch (RuntimeException e) {
        if (!p.closed.get()) {
          log.accept("failed\t" + e.getMessage());
        }
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  private static String summary(ReapReport report) {
    long removed = report.lines().stream()
        .filter(l -> l.outcome() == ReapReport.Outcome.REMOVED).count();
    long failed = report.lines().stream()
        .filter(l -> l.outcome() == ReapReport.Outcome.FAILED).count();
    return "reaped " + removed + " object(s), " + failed + " failed";
  }

  /** Stops: a run in flight is cancelled between its steps; waits up to 30 s for it. */
  @Override
  public void close() {
    closed.set(true);
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
