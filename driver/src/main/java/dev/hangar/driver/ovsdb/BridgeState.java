package dev.hangar.driver.ovsdb;

import java.util.Map;

/** A bridge as one read found it: its ports by name and its own {@code external_ids}. */
public record BridgeState(Map<String, OvsPort> ports, Map<String, String> externalIds) {
  public BridgeState {
    ports = Map.copyOf(ports);
    externalIds = Map.copyOf(externalIds);
  }
}
