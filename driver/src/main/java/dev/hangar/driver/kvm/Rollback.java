package dev.hangar.driver.kvm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo steps of a multi-step operation, run in reverse order when a later step fails or the
 * command is cancelled. A step that cannot be undone is logged and named in the error, and the
 * remaining steps still run.
 */
final class Rollback {
  private static final Logger log = LoggerFactory.getLogger(Rollback.class);
  private final Deque<Step> steps = new ArrayDeque<>();

  /** An undo action. */
  interface Undo {
    void run() throws Exception;
  }

  private record Step(String what, Undo undo) {}

  void push(String what, Undo undo) {
    steps.push(new Step(what, undo));
  }

  /** Keeps what was made: the operation succeeded. */
  void commit() {
    steps.clear();
  }

  /** Undoes every step, newest first; returns what could not be undone ("" when all was). */
  String undo() {
    List<String> failed = new ArrayList<>();
    while (!steps.isEmpty()) {
      Step s = steps.pop();
      try {
        s.undo().run();
        log.info("rolled back: {}", s.what());
      } catch (Exception e) {
        String why = e instanceof org.libvirt.LibvirtException le ? LibvirtErrors.text(le)
            : String.valueOf(e.getMessage());
        log.warn("could not roll back {}: {}", s.what(), why);
        failed.add(s.what() + " (" + why + ")");
      }
    }
    return failed.isEmpty() ? "" : "could not undo: " + String.join("; ", failed);
  }
}
