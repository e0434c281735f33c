/**
 * Prometheus metrics of the sandbox host, through Micrometer: {@link
 * dev.hangar.host.metrics.HostMetrics} holds the registry and the meters (commands, the command
 * limiter, callbacks to the orchestrator, backend calls), {@link
 * dev.hangar.host.metrics.MeteredBackends} counts backend calls at the driver's SPI boundary
 * without the driver or the backends knowing, and {@link dev.hangar.host.metrics.MetricsServer}
 * serves the text format on {@code /metrics} over the JDK's own HTTP server. Every label value
 * comes from a fixed set (command names, status codes, callback methods, Cloud Types, SPI
 * operations), never from a request, so no secret or sandbox id can reach a label.
 */
package dev.hangar.host.metrics;
