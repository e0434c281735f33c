package dev.hangar.datamodel.context;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** What every command context has: the orchestrator API, the provider resource, maybe a sandbox. */
public sealed interface CommandContext
    permits ResourceCommandContext, ResourceRemoteCommandContext, AutoLoadCommandContext {
  ConnectivityContext connectivity();

  ResourceContextDetails resource();

  /** The sandbox, or null where the command has none (get_inventory). */
  @JsonIgnore
  ReservationContextDetails sandbox();

  /** The sandbox id for logs, or "-". */
  @JsonIgnore
  default String reservationId() {
    ReservationContextDetails r = sandbox();
    return r == null || r.reservationId() == null ? "-" : r.reservationId();
  }
}
