package dev.hangar.driver.spi;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.HangarException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo steps of a multi-step operation (a Deploy: volumes, domain or instance, ports,
 * addresses), run newest first when a later step fails or the command is cancelled. Undo steps
 * never check for cancellation (the command may already be cancelled); a step that cannot be
 * undone is logged and named in the error, and the remaining steps still run.
 */
public final class Rollback {
  private static final Logger log = LoggerFactory.getLogger(Rollback.class);
  private final Deque<Step> steps = new ArrayDeque<>();
  private final Function<Exception, String> describe;

  /** An undo action. */
  @FunctionalInterface
  public interface Undo {
    void run() throws Exception;
  }

  private record Step(String what, Undo undo) {}

  /** Names a failed undo by its exception's message. */
  public Rollback() {
    this(e -> String.valueOf(e.getMessage()));
  }

  /** @param describe what a failed undo's exception says, for the log and the error */
  public Rollback(Function<Exception, String> describe) {
    this.describe = describe;
  }

  public void push(String what, Undo undo) {
    steps.push(new Step(what, undo));
  }

  /** Keeps what was made: the operation succeeded. */
  public void commit() {
    steps.clear();
  }

  /** Undoes every step, newest first; returns what could not be undone ("" when all was). */
  public String undo() {
    List<String> failed = new ArrayList<>();
    while (!steps.isEmpty()) {
      Step s = steps.pop();
      try {
        s.undo().run();
        log.info("rolled back: {}", s.what());
      } catch (Exception e) {
        String why = describe.apply(e);
        log.warn("could not roll back {}: {}", s.what(), why);
        failed.add(s.what() + " (" + why + ")");
      }
    }
    return failed.isEmpty() ? "" : "could not undo: " + String.join("; ", failed);
  }

  /**
   * Undoes every step after {@code failure} and returns what to throw: the failure itself when
   * everything was undone, else a {@link BackendException} naming both the failure and what is
   * left behind (unavailable when the failure was: a retry may then finish the cleanup).
   */
  public RuntimeException undoAfter(RuntimeException failure) {
    String left = undo();
    if (left.isEmpty()) {
      return failure;
    }
    if (!(failure instanceof HangarException)) {
      return BackendException.failed("internal error (" + failure.getClass().getSimpleName()
          + "); " + left, failure);
    }
    return new BackendException(failure.getMessage() + "; " + left, false,
        failure instanceof BackendException b && b.unavailable(), failure);
  }
}
