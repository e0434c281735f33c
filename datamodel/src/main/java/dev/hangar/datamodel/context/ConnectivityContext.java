package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How to reach the orchestrator's API: address, port and the token of this command. The token is
 * a secret: {@link #toString()} hides it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConnectivityContext(
    String serverAddress,
    String cloudshellApiPort,
    String qualiApiPort,
    String adminAuthToken,
    String cloudshellVersion,
    String cloudshellApiScheme,
    Boolean useWebapiEndpoint) {

  @Override
  public String toString() {
    return "ConnectivityContext[serverAddress=" + serverAddress + ", cloudshellApiPort="
        + cloudshellApiPort + ", adminAuthToken=***]";
  }
}
