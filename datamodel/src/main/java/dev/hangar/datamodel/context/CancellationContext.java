package dev.hangar.datamodel.context;

/**
 * Tells a long command whether its caller gave up. Commands poll it between steps and roll back
 * what they made when it turns true.
 */
@FunctionalInterface
public interface CancellationContext {
  /** A context that is never cancelled. */
  CancellationContext NONE = () -> false;

  boolean isCancelled();
}
