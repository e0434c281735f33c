package dev.hangar.driver.aws;

import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.options.InvalidAttributeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The message of a per-action (or per-app) failure, as the driver's own would read. */
final class AwsFailures {
  private static final Logger log = LoggerFactory.getLogger(AwsFailures.class);

  private AwsFailures() {}

  static String message(RuntimeException e, CommandScope scope) {
    if (e instanceof HangarException || e instanceof InvalidAttributeException) {
      return scope.redact(e.getMessage());
    }
    String m = scope.redact("internal error (" + e.getClass().getSimpleName() + "): "
        + e.getMessage());
    log.error("{}", m);
    return m;
  }
}
