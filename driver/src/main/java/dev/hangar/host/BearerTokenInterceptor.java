package dev.hangar.host;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses every call that does not carry the expected bearer token with UNAUTHENTICATED, before
 * any of it is read. The refusal names neither the expected nor the presented token.
 */
final class BearerTokenInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(BearerTokenInterceptor.class);
  private final Supplier<BearerToken> expected;

  /** @param expected the token calls must carry; read per call (the replay's changes per step) */
  BearerTokenInterceptor(Supplier<BearerToken> expected) {
    this.expected = expected;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String header = headers.get(BearerToken.AUTHORIZATION);
    BearerToken token = expected.get();
    if (token != null && token.matches(header)) {
      return next.startCall(call, headers);
    }
    String why = BearerToken.presented(header) == null
        ? "missing bearer token: send the metadata 'authorization: Bearer <token>'"
        : "invalid bearer token";
    log.warn("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), why);
    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
