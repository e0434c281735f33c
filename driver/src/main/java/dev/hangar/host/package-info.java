/**
 * The gRPC sandbox host: {@link dev.hangar.host.SandboxHost} serves the {@code hangar.v1}
 * contract (one RPC per command, the typed context mapped to the driver's by
 * {@link dev.hangar.host.ContextMessages}) with a bearer token, TLS, a bounded command pool,
 * cancellation, canonical status codes and one log line per command, and calls the orchestrator
 * back ({@link dev.hangar.host.CallbackChannels}). The client side is here too:
 * {@link dev.hangar.host.HostClient} runs commands on a host and
 * {@link dev.hangar.host.CallbackServer} stands in for the orchestrator's API.
 */
package dev.hangar.host;
