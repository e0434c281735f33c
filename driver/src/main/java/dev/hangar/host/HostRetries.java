package dev.hangar.host;

import dev.hangar.proto.v1.CloudProviderGrpc;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.Map;

/**
 * Which calls a client retries, and how: gRPC's own retry policy in the channel's service config
 * (not a loop of ours), with round_robin balancing so that a retry goes to the next host.
 *
 * <p>Only UNAVAILABLE is retried (the host or its cloud could not be reached, or the host is
 * shutting down), and only for the RPCs in {@link #RETRIED}: those whose second run does what
 * the first would have, whether or not the first got anywhere before it failed:
 * <ul>
 *   <li>read-only: GetInventory, GetVmDetails, ValidateAttributes, GetAttributeHints;</li>
 *   <li>setting a state, so a second run finds it set: PowerOn (a running VM is success),
 *       PowerOff, ApplyConnectivityChanges (setVlan sets the VLAN a port is on; removeVlan of a
 *       port already gone is success), remote_refresh_ip (reads the address and reports it
 *       again);</li>
 *   <li>idempotent by the contract: Deploy per actionId (the backends tag the VM with it, and
 *       EC2 has a client token derived from it, so a retry finds the VM the first attempt made
 *       instead of making a second; HostCrashRetryTest, HostCrashResumeTest), DeleteInstance,
 *       PrepareSandboxInfra and CleanupSandboxInfra (a second call finds what the first made or
 *       removed).</li>
 * </ul>
 * Never retried: PowerCycle (a second run cycles the VM again), SaveApp and RemoteSaveSnapshot
 * (a second image or snapshot), RemoteRestoreSnapshot, RemoteRemoveSnapshot, DeleteSavedApps,
 * ReconfigureVm, SetAppSecurityGroups, GetVmConsole and RunCommand (it carries any command, and
 * its callbacks have already reached the orchestrator): their UNAVAILABLE reaches the caller,
 * who decides.
 *
 * <p>{@value #MAX_ATTEMPTS} attempts at most (above gRPC's default ceiling of 5, which
 * {@link HostClient#channel} raises): with one host down the second attempt lands on a live one,
 * but while hosts restart one after another (a rolling upgrade, or {@code bench/load --hosts 3},
 * a kill every 10 s) a long command can lose several attempts in a row: with 5, 5 of 40 retried
 * commands of a 10-sandbox run ran out of them; with 10, one of a 20-sandbox run needed 8. The
 * price: an answer UNAVAILABLE because a hypervisor or cloud cannot be reached (the same from
 * every host) comes after ten tries.
 * Backoff between attempts is random up to 0.2 s, 0.4 s, 0.8 s, 1.6 s, then 2 s (gRPC's
 * exponential backoff with jitter). A retry happens only while the host has sent nothing back,
 * which for these unary RPCs means before the answer.
 */
public final class HostRetries {
  /** Attempts per call, the first included. */
  public static final int MAX_ATTEMPTS = 10;

  /** The RPCs retried on UNAVAILABLE. */
  public static final List<MethodDescriptor<?, ?>> RETRIED = List.of(
      CloudProviderGrpc.getGetInventoryMethod(),
      CloudProviderGrpc.getDeployMethod(),
      CloudProviderGrpc.getPowerOnMethod(),
      CloudProviderGrpc.getPowerOffMethod(),
      CloudProviderGrpc.getDeleteInstanceMethod(),
      CloudProviderGrpc.getGetVmDetailsMethod(),
      CloudProviderGrpc.getRemoteRefreshIpMethod(),
      CloudProviderGrpc.getApplyConnectivityChangesMethod(),
      CloudProviderGrpc.getPrepareSandboxInfraMethod(),
      CloudProviderGrpc.getCleanupSandboxInfraMethod(),
      CloudProviderGrpc.getValidateAttributesMethod(),
      CloudProviderGrpc.getGetAttributeHintsMethod());

  private HostRetries() {}

  /** True when {@code method} (a full name, {@code hangar.v1.CloudProvider/Deploy}) is retried. */
  public static boolean retried(String method) {
    return RETRIED.stream().anyMatch(m -> m.getFullMethodName().equals(method));
  }

  /**
   * The channel's service config: round_robin over every address, and the retry policy for
   * {@link #RETRIED}. (gRPC reads numbers in a service config map as doubles.)
   */
  public static Map<String, Object> serviceConfig() {
    List<Map<String, Object>> names = RETRIED.stream().map(m -> Map.<String, Object>of(
        "service", m.getServiceName(), "method", m.getBareMethodName())).toList();
    Map<String, Object> retryPolicy = Map.of(
        "maxAttempts", (double) MAX_ATTEMPTS,
        "initialBackoff", "0.2s",
        "maxBackoff", "2s",
        "backoffMultiplier", 2.0,
        "retryableStatusCodes", List.of("UNAVAILABLE"));
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "methodConfig", List.of(Map.of("name", names, "retryPolicy", retryPolicy)));
  }
}
