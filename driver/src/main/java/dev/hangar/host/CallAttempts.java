package dev.hangar.host;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Sees every attempt of every call on a channel, retries included, which the caller of a
 * retried call does not: gRPC retries inside the call. Add it to a channel builder
 * ({@link HostClient#channel}); each finished call is handed to the consumer with its attempts.
 * Used by the load under host kills to show that what failed was retried and what.
 */
public final class CallAttempts implements ClientInterceptor {
  /**
   * A finished call: its method, the status of each attempt in order (transparent retries,
   * which gRPC makes when a request never left the client, count as attempts too), and its own.
   */
  public record Call(String method, List<Status.Code> attempts, Status.Code outcome) {
    /** True when an attempt of this call failed UNAVAILABLE. */
    public boolean sawUnavailable() {
      return attempts.contains(Status.Code.UNAVAILABLE);
    }
  }

  private final Consumer<Call> sink;

  public CallAttempts(Consumer<Call> sink) {
    this.sink = sink;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    List<Status.Code> attempts = new CopyOnWriteArrayList<>();
    ClientStreamTracer.Factory tracers = new ClientStreamTracer.Factory() {
      @Override
      public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
          Metadata headers) {
        return new ClientStreamTracer() {
          @Override
          public void streamClosed(Status status) {
            attempts.add(status.getCode());
          }
        };
      }
    };
    return new ForwardingClientCall.SimpleForwardingClientCall<>(
        next.newCall(method, options.withStreamTracerFactory(tracers))) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
            listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            sink.accept(new Call(method.getFullMethodName(), new ArrayList<>(attempts),
                status.getCode()));
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
