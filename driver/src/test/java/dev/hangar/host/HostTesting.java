package dev.hangar.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the host's tests share: the host token, contexts as JSON, an orchestrator stand-in. */
final class HostTesting {
  static final String HOST_TOKEN = "host-token-5f1e2d3c4b5a69788796";
  static final BearerToken TOKEN = new BearerToken(HOST_TOKEN);
  static final HostPort LOOPBACK = new HostPort("127.0.0.1", 0);
  private static final WireCodec CODEC = WireCodec.standard();

  private HostTesting() {}

  /** A plaintext host on a free loopback port. */
  static SandboxHost loopbackHost(BackendRegistry backends) throws IOException {
    return SandboxHost.start(HostConfig.of(LOOPBACK, TOKEN), backends);
  }

  static SandboxHost loopbackHost(BackendRegistry backends, HostConfig config) throws IOException {
    return SandboxHost.start(config, backends);
  }

  static HostClient client(SandboxHost host) throws IOException {
    return HostClient.connect(host.address(), TOKEN, ClientTls.PLAINTEXT);
  }

  /** The JSON of a provider-resource context (reservation res-1, token Contexts.TOKEN). */
  static ObjectNode resourceContext(Map<String, String> attributes) {
    return CODEC.mapper().valueToTree(Contexts.resource(attributes));
  }

  static ObjectNode remoteContext(Map<String, String> attributes, String app, String uid) {
    return CODEC.mapper().valueToTree(Contexts.remote(attributes, app, uid, "Public IP"));
  }

  /**
   * The remote context the platform builds from a DeployApp result: the app's name and uid, and
   * the deployedAppAdditionalData the KVM backend needs to find the VM (its hypervisor).
   */
  static ObjectNode remoteContextOf(Map<String, String> attributes, JsonNode deployResult) {
    ObjectNode remote = remoteContext(attributes, deployResult.path("vmName").asText(),
        deployResult.path("vmUuid").asText());
    ObjectNode endpoint = (ObjectNode) remote.get("remote_endpoints").get(0);
    ((ObjectNode) endpoint.get("app_context")).put("deployed_app_json", CODEC.write(Map.of(
        "name", deployResult.path("vmName").asText(), "vmdetails", Map.of("uid",
            deployResult.path("vmUuid").asText(), "vmCustomParams", List.of(Map.of("name",
                "hypervisor", "value", deployResult.path("deployedAppAdditionalData")
                    .path("hypervisor").asText()))))));
    return remote;
  }

  /** Waits up to 10 s for a condition. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    // A bound, not a timing: a child JVM's first command can take seconds on a loaded machine.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Whether a call is refused with UNAVAILABLE (false while it is still answered). */
  static boolean refused(HostClient client, JsonNode context) {
    try {
      client.call(Command.GET_VM_DETAILS, context, "{\"items\":[]}", Duration.ofSeconds(5));
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }
  }

  /** The orchestrator's side: a recording API behind a callback server the host calls. */
  record Orchestrator(RecordingOrchestratorApi api, CallbackServer callbacks)
      implements AutoCloseable {
    static Orchestrator start() throws IOException {
      RecordingOrchestratorApi api = new RecordingOrchestratorApi(Map.of(), null);
      return new Orchestrator(api, CallbackServer.start(LOOPBACK, api));
    }

    /** Points the context at this orchestrator (accepting the context's token). */
    ObjectNode expose(ObjectNode context) {
      callbacks.expose(context);
      return context;
    }

    @Override
    public void close() {
      callbacks.close();
    }
  }
}
