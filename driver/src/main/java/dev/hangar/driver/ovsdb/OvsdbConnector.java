package dev.hangar.driver.ovsdb;

import java.time.Duration;

/**
 * Opens sessions to OVSDB servers. Implementations keep live connections per endpoint and hand
 * them out again (connecting costs most of a second); {@link #close()} ends every connection,
 * tunnel and thread so that nothing keeps the JVM alive.
 */
public interface OvsdbConnector extends AutoCloseable {
  /**
   * A session to {@code endpoint}, reusing a live connection when there is one.
   *
   * @param timeout bound on connecting and on every later request of the session
   * @throws OvsdbException (retryable) when the server cannot be reached in time
   */
  OvsdbSession open(OvsdbEndpoint endpoint, Duration timeout);

  @Override
  void close();
}
