package dev.hangar.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.proto.v1.CallbackReply;
import dev.hangar.proto.v1.DecryptPasswordReply;
import dev.hangar.proto.v1.DecryptPasswordRequest;
import dev.hangar.proto.v1.OrchestratorCallbacksGrpc;
import dev.hangar.proto.v1.SetAttributeValueRequest;
import dev.hangar.proto.v1.SetResourceLiveStatusRequest;
import dev.hangar.proto.v1.UpdateResourceAddressRequest;
import dev.hangar.proto.v1.WriteMessageRequest;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The orchestrator's side of the callbacks, for clients that stand in for the orchestrator
 * ({@code hangar call --target}, {@code hangar replay --target}): serves OrchestratorCallbacks
 * on an {@link OrchestratorApi} (a recording one), and points each command's context at itself.
 * Like the platform's API, it accepts only the token of the command in flight.
 */
public final class CallbackServer implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Server server;
  private final HostPort address;
  private final AtomicReference<BearerToken> expected;

  private CallbackServer(Server server, HostPort address,
      AtomicReference<BearerToken> expected) {
    this.server = server;
    this.address = address;
    this.expected = expected;
  }

  /** Serves {@code api} on {@code listen} (port 0: any free port), plaintext. */
  public static CallbackServer start(HostPort listen, OrchestratorApi api) throws IOException {
    AtomicReference<BearerToken> expected = new AtomicReference<>();
    Server server = NettyServerBuilder.forAddress(
        new InetSocketAddress(listen.host(), listen.port()), InsecureServerCredentials.create())
        .intercept(new BearerTokenInterceptor(expected::get))
        .addService(new Service(api))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException("cannot listen for callbacks on " + listen + ": " + e.getMessage(), e);
    }
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    return new CallbackServer(server, new HostPort(listen.host(), port), expected);
  }

  public HostPort address() {
    return address;
  }

  /**
   * Points a context's connectivity section at this server and, until the next call, accepts
   * the context's admin_auth_token; a context without one gets a fresh token.
   */
  public void expose(ObjectNode context) {
    ObjectNode c = context.has("connectivity") && context.get("connectivity").isObject()
        ? (ObjectNode) context.get("connectivity") : context.putObject("connectivity");
    c.put("server_address", address.host());
    c.put("cloudshell_api_port", String.valueOf(address.port()));
    c.put("cloudshell_api_scheme", "http");
    String token = c.path("admin_auth_token").asText("");
    if (token.isBlank()) {
      byte[] b = new byte[24];
      RANDOM.nextBytes(b);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      c.put("admin_auth_token", token);
    }
    expected.set(new BearerToken(token));
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** OrchestratorCallbacks on an OrchestratorApi. */
  private static final class Service
      extends OrchestratorCallbacksGrpc.OrchestratorCallbacksImplBase {
    private final OrchestratorApi api;

    Service(OrchestratorApi api) {
      this.api = api;
    }

    @Override
    public void updateResourceAddress(UpdateResourceAddressRequest r,
        StreamObserver<CallbackReply> out) {
      reply(out, a -> a.updateResourceAddress(r.getResourceName(), r.getAddress()));
    }

    @Override
    public void setAttributeValue(SetAttributeValueRequest r, StreamObserver<CallbackReply> out) {
      reply(out, a -> a.setAttributeValue(r.getResourceFullName(), r.getAttributeName(),
          r.getAttributeValue()));
    }

    @Override
    public void writeMessageToReservationOutput(WriteMessageRequest r,
        StreamObserver<CallbackReply> out) {
      reply(out, a -> a.writeMessageToReservationOutput(r.getReservationId(), r.getMessage()));
    }

    @Override
    public void setResourceLiveStatus(SetResourceLiveStatusRequest r,
        StreamObserver<CallbackReply> out) {
      reply(out, a -> a.setResourceLiveStatus(r.getResourceName(), r.getLiveStatusName(),
          r.getAdditionalInfo()));
    }

    @Override
    public void decryptPassword(DecryptPasswordRequest r,
        StreamObserver<DecryptPasswordReply> out) {
      String plain;
      try {
        plain = api.decryptPassword(r.getEncrypted());
      } catch (RuntimeException e) {
        out.onError(Status.INTERNAL.withDescription("cannot decrypt").asRuntimeException());
        return;
      }
      out.onNext(DecryptPasswordReply.newBuilder().setValue(plain).build());
      out.onCompleted();
    }

    private void reply(StreamObserver<CallbackReply> out, Consumer<OrchestratorApi> call) {
      try {
        call.accept(api);
      } catch (RuntimeException e) {
        out.onError(Status.INTERNAL.withDescription(e.getClass().getSimpleName())
            .asRuntimeException());
        return;
      }
      out.onNext(CallbackReply.getDefaultInstance());
      out.onCompleted();
    }
  }
}
