package dev.hangar.driver.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo steps of a Deploy, run newest first when a later step fails or the command is
 * cancelled. Undo steps never wait on cancellation (the command is already cancelled); one that
 * fails is named in the error and the others still run.
 */
final class Rollback {
  private static final Logger log = LoggerFactory.getLogger(Rollback.class);
  private final Deque<Step> steps = new ArrayDeque<>();

  private record Step(String what, Runnable undo) {}

  void push(String what, Runnable undo) {
    steps.push(new Step(what, undo));
  }

  void commit() {
    steps.clear();
  }

  /** Undoes every step; returns what could not be undone ("" when all was). */
  String undo() {
    List<String> failed = new ArrayList<>();
    while (!steps.isEmpty()) {
      Step s = steps.pop();
      try {
        s.undo().run();
        log.info("rolled back: {}", s.what());
      } catch (RuntimeException e) {
        log.warn("could not roll back {}: {}", s.what(), e.getMessage());
        failed.add(s.what() + " (" + e.getMessage() + ")");
      }
    }
    return failed.isEmpty() ? "" : "could not undo: " + String.join("; ", failed);
  }
}
