package dev.hangar.host;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The host's answer to a method it does not serve: UNIMPLEMENTED, but only to a caller with the
 * token; without one it is UNAUTHENTICATED like every other call (grpc-java answers unknown
 * methods before any interceptor runs, which told an unauthenticated caller what is served).
 */
final class UnknownMethods extends HandlerRegistry {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final ServerInterceptor auth;

  UnknownMethods(ServerInterceptor auth) {
    this.auth = auth;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    String service = MethodDescriptor.extractFullServiceName(methodName);
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    ServerCallHandler<byte[], byte[]> unimplemented = (call, headers) -> {
      call.close(Status.UNIMPLEMENTED.withDescription("this host does not serve " + methodName),
          new Metadata());
      return new ServerCall.Listener<>() {};
    };
    ServerServiceDefinition definition = ServerServiceDefinition.builder(
        service == null ? "unknown" : service).addMethod(method, unimplemented).build();
    return ServerInterceptors.intercept(definition, auth).getMethod(methodName);
  }
}
