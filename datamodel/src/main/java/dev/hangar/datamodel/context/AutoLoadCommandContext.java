package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The context of get_inventory: the provider resource being created or validated. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AutoLoadCommandContext(
    ConnectivityContext connectivity, ResourceContextDetails resource) implements CommandContext {
  @Override
  public ReservationContextDetails sandbox() {
    return null;
  }
}
