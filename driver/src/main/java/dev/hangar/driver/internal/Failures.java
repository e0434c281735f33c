package dev.hangar.driver.internal;

import dev.hangar.driver.HangarException;
import dev.hangar.options.InvalidAttributeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what an action or command threw into a message for users; details go to the log. */
public final class Failures {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  public static String message(RuntimeException e, SecretRedactor secrets) {
    if (e instanceof HangarException || e instanceof InvalidAttributeException) {
      String m = secrets.redact(e.getMessage());
      log.debug("{}", m);
      return m;
    }
    // A bug or an unexpected library error: the user gets its kind; the log gets the trace.
    String m = "internal error (" + e.getClass().getSimpleName() + "): "
        + secrets.redact(String.valueOf(e.getMessage()));
    log.error("{}", m, new RedactedTrace(e));
    return m;
  }

  /** Carries a stack trace into the log without a message that might hold a secret. */
  private static final class RedactedTrace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedactedTrace(RuntimeException e) {
      super(e.getClass().getName(), null, false, true);
      setStackTrace(e.getStackTrace());
    }
  }
}
