package dev.hangar.driver.ovsdb;

import dev.hangar.driver.ovsdb.internal.StandardConnector;
import dev.hangar.driver.ssh.SshSessions;

/** Where {@link OvsdbConnector}s come from. */
public final class OvsdbConnectors {
  private OvsdbConnectors() {
  }

  /**
   * A connector on the OpenDaylight OVSDB library, with SSH sessions of its own for
   * {@link OvsdbEndpoint.SshUnix} endpoints. Close it when done: it owns threads.
   */
  public static OvsdbConnector standard() {
    return new StandardConnector(new SshSessions(), true);
  }

  /**
   * Like {@link #standard()}, but tunnels through {@code ssh}, which the caller shares with other
   * uses of the same hosts (and closes itself).
   */
  public static OvsdbConnector sharing(SshSessions ssh) {
    return new StandardConnector(ssh, false);
  }
}
