package dev.hangar.host;

import com.google.protobuf.MessageOrBuilder;
import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandDispatcher;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.host.metrics.HostMetrics;
import dev.hangar.proto.v1.CommandResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the command of each RPC on a bounded pool: {@code maxCommands} at once, {@code maxQueued}
 * waiting, RESOURCE_EXHAUSTED beyond (commands block on clouds for minutes, so an unbounded queue
 * would only turn overload into timeouts). The caller's cancellation and deadline reach the
 * command as its CancellationContext; what it raised becomes a canonical status; each call ends
 * with one log line: reservation, command, action count, duration, outcome.
 */
final class CommandCalls {
  private static final Logger log = LoggerFactory.getLogger("dev.hangar.host");
  private static final int MAX_LOGGED_REASON = 300;

  private final CommandDispatcher dispatcher;
  private final CommandPlanning planning;
  private final WireCodec codec = WireCodec.standard();
  private final ThreadPoolExecutor pool;
  private final int maxCommands;
  private final int maxQueued;
  private final HostMetrics metrics;

  CommandCalls(CommandDispatcher dispatcher, CommandPlanning planning, int maxCommands,
      int maxQueued) {
    this(dispatcher, planning, maxCommands, maxQueued, HostMetrics.none());
  }

  /** {@code metrics} counts the commands and shows the pool's running and waiting ones. */
  CommandCalls(CommandDispatcher dispatcher, CommandPlanning planning, int maxCommands,
      int maxQueued, HostMetrics metrics) {
    this.dispatcher = dispatcher;
    this.planning = planning;
    this.metrics = metrics;
    this.maxCommands = maxCommands;
    this.maxQueued = maxQueued;
    BlockingQueue<Runnable> queue = maxQueued == 0 ? new SynchronousQueue<>()
        : new ArrayBlockingQueue<>(maxQueued);
    this.pool = new ThreadPoolExecutor(maxCommands, maxCommands, 60, TimeUnit.SECONDS, queue,
        threads(), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    metrics.bindLimiter(this::running, this::queued, maxCommands, maxQueued);
  }

  /** Where a command's outcome goes: a unary call's observer, or RunCommand's stream. */
  @FunctionalInterface
  interface Answer {
    /** The response (OK) or the status the command ended with; ignored once the call is gone. */
    void answer(String response, Status status);
  }

  /**
   * The orchestrator API a command running under this Context uses instead of dialling its
   * context's connectivity section (RunCommand's stream); unset for the unary RPCs.
   */
  static final Context.Key<OrchestratorApi> CALLER_API = Context.key("hangar-caller-api");

  /** The API factory of the host's driver: the caller's stream when there is one. */
  static OrchestratorApi.Factory apis(OrchestratorApi.Factory dial) {
    return connectivity -> {
      OrchestratorApi stream = CALLER_API.get();
      return stream != null ? stream : dial.connect(connectivity);
    };
  }

  /** Runs one unary call's command; answers {@code observer} from the pool. */
  void run(Command command, MessageOrBuilder context, String reservationId, String request,
      StreamObserver<CommandResponse> observer) {
    run(command, context, reservationId, request, Map.of(), observer);
  }

  /** {@link #run} for a remote command with its named parameters. */
  void run(Command command, MessageOrBuilder context, String reservationId, String request,
      Map<String, String> parameters, StreamObserver<CommandResponse> observer) {
    ServerCallStreamObserver<CommandResponse> out =
        (ServerCallStreamObserver<CommandResponse>) observer;
    // A caller that went away gets no answer; without a handler, answering would throw.
    out.setOnCancelHandler(() -> { });
    run(command, context, reservationId, request, parameters, Context.current(),
        (response, status) -> answer(out, response, status), null);
  }

  /**
   * Runs a command on the pool under the call's Context {@code call} (its cancellation and
   * deadline reach the command); {@code api}, when not null, is its orchestrator API.
   */
  void run(Command command, MessageOrBuilder context, String reservationId, String request,
      Map<String, String> parameters, Context call, Answer answer, OrchestratorApi api) {
    submit(command.standardName(), reservationId, request, call, answer, api,
        scoped -> dispatcher.dispatch(command, read(command, context), request, parameters,
            scoped::isCancelled));
  }

  /**
   * Plans a command (the Plan RPC, or RunCommand's plan) on the same pool, bounds and status
   * mapping as the commands: {@code commandName} is the command's standard or RPC name.
   */
  void plan(String commandName, MessageOrBuilder context, String reservationId, String request,
      Context call, Answer answer, OrchestratorApi api) {
    // An unknown or unplannable command is answered when the plan runs, as INVALID_ARGUMENT.
    String label = java.util.Arrays.stream(Command.values())
        .filter(c -> c.standardName().equals(commandName) || c.rpcName().equals(commandName))
        .findFirst().map(c -> "Plan " + c.standardName()).orElse("Plan");
    submit(label, reservationId, request, call, answer, api, scoped -> {
      Command command = CommandPlanning.command(commandName);
      return planning.plan(command, read(command, context), request);
    });
  }

  /** {@link #plan} for a unary call. */
  void plan(String commandName, MessageOrBuilder context, String reservationId, String request,
      StreamObserver<CommandResponse> observer) {
    ServerCallStreamObserver<CommandResponse> out =
        (ServerCallStreamObserver<CommandResponse>) observer;
    out.setOnCancelHandler(() -> { });
    plan(commandName, context, reservationId, request, Context.current(),
        (response, status) -> answer(out, response, status), null);
  }

  /** What a call runs on the pool, under its Context; returns the response JSON. */
  @FunctionalInterface
  private interface Work {
    String run(Context scoped);
  }

  private void submit(String label, String reservationId, String request, Context call,
      Answer answer, OrchestratorApi api, Work work) {
    long start = System.nanoTime();
    Context scoped = api == null ? call : call.withValue(CALLER_API, api);
    try {
      pool.execute(() -> scoped.run(
          () -> execute(label, reservationId, request, scoped, answer, start, work)));
    } catch (RejectedExecutionException e) {
      Status s = pool.isShutdown()
          ? Status.UNAVAILABLE.withDescription("the host is shutting down; call another host")
          : Status.RESOURCE_EXHAUSTED.withDescription("the host is running " + maxCommands
              + " commands and has " + maxQueued + " waiting (its --max-commands and"
              + " --max-queued); retry later");
      answer.answer(null, s);
      ended(label, reservationId, request, start, s);
    }
  }

  private void execute(String label, String reservationId, String request, Context call,
      Answer out, long start, Work work) {
    String response = null;
    Status status;
    if (call.isCancelled()) {
      status = gone(call, "before it started");
    } else {
      try {
        response = work.run(call);
        status = call.isCancelled() ? gone(call, "while it ran") : Status.OK;
      } catch (HangarException e) {
        status = call.isCancelled() ? gone(call, "while it ran") : StatusCodes.of(e);
      } catch (RuntimeException e) {
        log.error("{} failed with an internal error", label, new Trace(e));
        status = StatusCodes.of(e);
      }
    }
    out.answer(response, status);
    ended(label, reservationId, request, start, status);
  }

  private CommandContext read(Command command, MessageOrBuilder context) {
    try {
      return codec.convert(ContextMessages.toJson(context), command.contextType(),
          command.contextType().getSimpleName());
    } catch (MalformedRequestException e) {
      throw new ClientException("context of " + command.standardName() + ": " + e.getMessage());
    }
  }

  private static Status gone(Context call, String when) {
    Deadline d = call.getDeadline();
    return d != null && d.isExpired()
        ? Status.DEADLINE_EXCEEDED.withDescription("the caller's deadline passed " + when)
        : Status.CANCELLED.withDescription("the caller cancelled " + when);
  }

  private static void answer(ServerCallStreamObserver<CommandResponse> out, String response,
      Status status) {
    if (out.isCancelled()) {
      return;
    }
    if (status.isOk()) {
      out.onNext(CommandResponse.newBuilder().setResponseJson(response == null ? "" : response)
          .build());
      out.onCompleted();
    } else {
      out.onError(status.asRuntimeException());
    }
  }

  private void ended(String label, String reservationId, String request, long start,
      Status status) {
    metrics.commandEnded(label, status.getCode(), System.nanoTime() - start);
    logLine(label, reservationId, request, start, status);
  }

  private static void logLine(String command, String reservationId, String request, long start,
      Status status) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String reservation = reservationId == null || reservationId.isEmpty() ? "-" : reservationId;
    String outcome = status.getCode().name();
    if (status.getDescription() != null) {
      String d = status.getDescription();
      outcome += ": " + (d.length() > MAX_LOGGED_REASON ? d.substring(0, MAX_LOGGED_REASON)
          + "..." : d);
    }
    MDC.put("reservationId", reservation);
    MDC.put("command", command);
    try {
      log.info("reservation={} command={} actions={} duration_ms={} outcome={}", reservation,
          command, ActionCount.of(request),
          (System.nanoTime() - start) / 1_000_000, outcome);
    } finally {
      MDC.remove("reservationId");
      MDC.remove("command");
    }
  }

  int running() {
    return pool.getActiveCount();
  }

  /** Commands waiting for a free slot. */
  int queued() {
    return pool.getQueue().size();
  }

  /** Refuses new commands; those running go on. */
  void stopAccepting() {
    pool.shutdown();
  }

  /** Waits for the running commands; true when all ended in time. */
  boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.awaitTermination(timeout, unit);
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "hangar-command-" + n.incrementAndGet());
      t.setDaemon(false);
      return t;
    };
  }

  /** A stack trace for the log without the exception's message, which may quote a secret. */
  private static final class Trace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Trace(RuntimeException e) {
      super(e.getClass().getName(), null, false, true);
      setStackTrace(e.getStackTrace());
    }
  }
}
