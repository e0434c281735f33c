package dev.hangar.host.metrics;

import java.util.function.Supplier;

/** Runs a call, then records its outcome label and how long it took, whether or not it threw. */
final class Timed {
  /** Where a timed call's outcome ({@link Outcome}) and elapsed nanoseconds go. */
  interface Recorder {
    void ended(String outcome, long nanos);
  }

  private Timed() {}

  static <T> T call(Supplier<T> body, Recorder recorder) {
    long start = System.nanoTime();
    Throwable failure = null;
    try {
      return body.get();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      recorder.ended(Outcome.of(failure), System.nanoTime() - start);
    }
  }

  static void run(Runnable body, Recorder recorder) {
    call(() -> {
      body.run();
      return null;
    }, recorder);
  }
}
