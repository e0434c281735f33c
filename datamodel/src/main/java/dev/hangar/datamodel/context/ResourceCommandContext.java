package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The context of commands run on the cloud provider resource (Deploy, connectivity, infra). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResourceCommandContext(
    ConnectivityContext connectivity,
    ResourceContextDetails resource,
    ReservationContextDetails reservation,
    List<Connector> connectors) implements CommandContext {
  public ResourceCommandContext {
    connectors = connectors == null ? List.of() : connectors;
  }

  @Override
  public ReservationContextDetails sandbox() {
    return reservation;
  }
}
