package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The sandbox (reservation) the command runs for. {@code cloud_info_access_key} is a secret:
 * {@link #toString()} hides it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReservationContextDetails(
    String reservationId,
    String environmentName,
    String environmentPath,
    String domain,
    String description,
    String ownerUser,
    String ownerEmail,
    String savedSandboxName,
    String savedSandboxId,
    String runningUser,
    String cloudInfoAccessKey) {

  @Override
  public String toString() {
    return "ReservationContextDetails[reservationId=" + reservationId + ", environmentName="
        + environmentName + ", ownerUser=" + ownerUser + ", cloudInfoAccessKey=***]";
  }
}
