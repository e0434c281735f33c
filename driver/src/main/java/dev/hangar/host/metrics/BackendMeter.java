package dev.hangar.host.metrics;

import java.util.function.Supplier;

/** Times one backend SPI call of one Cloud Type and counts it with its outcome. */
record BackendMeter(String backend, HostMetrics metrics) {
  <T> T call(String operation, Supplier<T> body) {
    return Timed.call(body, (outcome, nanos) ->
        metrics.backendCallEnded(backend, operation, outcome, nanos));
  }

  void run(String operation, Runnable body) {
    Timed.run(body, (outcome, nanos) ->
        metrics.backendCallEnded(backend, operation, outcome, nanos));
  }
}
