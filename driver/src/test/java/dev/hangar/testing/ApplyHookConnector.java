package dev.hangar.testing;

import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbSession;
import dev.hangar.driver.ovsdb.PortChanges;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An OVSDB connector whose sessions run {@code beforeApply} (with the session) before each
 * transaction reaches the real server, and pass everything else through: tests and benchmarks
 * count transactions per server, or fail one at a chosen moment.
 */
public record ApplyHookConnector(OvsdbConnector real, Consumer<OvsdbSession> beforeApply)
    implements OvsdbConnector {
  @Override
  public OvsdbSession open(OvsdbEndpoint endpoint, Duration timeout) {
    OvsdbSession s = real.open(endpoint, timeout);
    return new OvsdbSession() {
      @Override
      public String describe() {
        return s.describe();
      }

      @Override
      public boolean bridgeExists(String bridge) {
        return s.bridgeExists(bridge);
      }

      @Override
      public Map<String, OvsPort> ports(String bridge) {
        return s.ports(bridge);
      }

      @Override
      public BridgeState bridge(String bridge) {
        return s.bridge(bridge);
      }

      @Override
      public Map<String, OvsPort> ports(String bridge, Collection<String> names) {
        return s.ports(bridge, names);
      }

      @Override
      public void apply(String bridge, PortChanges changes) {
        beforeApply.accept(s);
        s.apply(bridge, changes);
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }

  @Override
  public void close() {
    real.close();
  }
}
