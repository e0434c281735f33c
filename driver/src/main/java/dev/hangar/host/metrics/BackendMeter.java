package dev.hangar.host.metrics;

import java.util.function.Supplier;

/** Times one backend SPI call of one Cloud Type and counts it with its outcome. */
record BackendMeter(String backend, HostMetrics metrics) {
  <T> T call(String operation, Supplier<T> body) {
    long start = System.nanoTime();
    Throwable failure = null;
    try {
      return body.get();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      metrics.backendCallEnded(backend, operation, Outcome.of(failure),
          System.nanoTime() - start);
    }
  }

  void run(String operation, Runnable body) {
    call(operation, () -> {
      body.run();
      return null;
    });
  }
}
