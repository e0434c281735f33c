package dev.hangar.datamodel.context;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The context of commands run on a deployed app through its cloud provider (PowerOn, PowerOff,
 * DeleteInstance, remote_refresh_ip): {@code resource} is the provider, {@code remote_endpoints}
 * holds the deployed app with its app_context.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResourceRemoteCommandContext(
    ConnectivityContext connectivity,
    ResourceContextDetails resource,
    ReservationContextDetails remoteReservation,
    List<ResourceContextDetails> remoteEndpoints) implements CommandContext {
  public ResourceRemoteCommandContext {
    remoteEndpoints = remoteEndpoints == null ? List.of() : remoteEndpoints;
  }

  @Override
  public ReservationContextDetails sandbox() {
    return remoteReservation;
  }

  /** The deployed app the command acts on (the first remote endpoint), or null. */
  @JsonIgnore
  public ResourceContextDetails deployedApp() {
    return remoteEndpoints.isEmpty() ? null : remoteEndpoints.get(0);
  }
}
