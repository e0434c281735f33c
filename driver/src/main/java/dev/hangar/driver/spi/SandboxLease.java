package dev.hangar.driver.spi;

import dev.hangar.driver.ClientException;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The marks every object of a sandbox carries beside its reservation id: whose domain it is and
 * when the sandbox expires, so that a reaper on any host can tell, from the cloud alone, which
 * objects belong to a sandbox that is over.
 *
 * <p>The platform's reservation context carries no end time (CloudShell's
 * {@code ReservationContextDetails} has none, nor has any captured request), so the expiry is the
 * creating command's time plus the provider's {@code Sandbox Lifetime}; 0 means never.
 *
 * @param reservationId the sandbox
 * @param ownerDomain the reservation's domain ("" when the context names none)
 * @param expires null: never expires
 */
public record SandboxLease(String reservationId, String ownerDomain, Instant expires) {
  /** The mark of a sandbox that never expires. */
  public static final String NEVER = "never";
  /** The longest lifetime accepted: ten years. */
  static final long MAX_HOURS = 24L * 365 * 10;

  public SandboxLease {
    reservationId = reservationId == null ? "" : reservationId;
    ownerDomain = ownerDomain == null ? "" : ownerDomain;
    expires = expires == null ? null : expires.truncatedTo(ChronoUnit.SECONDS);
  }

  /** The lease of objects a command makes now for its sandbox. */
  public static SandboxLease of(ProviderResource provider, CommandScope scope, Clock clock) {
    Duration lifetime = lifetime(provider);
    String domain = scope.sandbox() == null ? "" : scope.sandbox().domain();
    return new SandboxLease(scope.reservationId(), domain,
        lifetime.isZero() ? null : clock.instant().plus(lifetime));
  }

  /**
   * The provider's {@code Sandbox Lifetime} (whole hours, 0 = never expires).
   *
   * @throws ClientException naming the attribute when it is not a number from 0 to 87600
   */
  public static Duration lifetime(ProviderResource provider) {
    long hours;
    try {
      hours = provider.values(List.of()).number(ProviderModel.SANDBOX_LIFETIME);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
    if (hours < 0 || hours > MAX_HOURS) {
      throw new ClientException("attribute 'Sandbox Lifetime' of cloud provider '"
          + provider.name() + "' must be from 0 (never expires) to " + MAX_HOURS + " hours (got "
          + hours + ")");
    }
    return Duration.ofHours(hours);
  }

  /** The expiry as marked on objects: an ISO-8601 instant, or {@link #NEVER}. */
  public String expiresMark() {
    return expires == null ? NEVER : expires.toString();
  }

  /** The expiry a mark names; empty for "never", a missing mark or one that does not parse. */
  public static Optional<Instant> parseExpiry(String mark) {
    if (mark == null || mark.isBlank() || NEVER.equals(mark.strip())) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(mark.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * When a sandbox whose objects carry these expiry marks is over: the latest of them, or empty
   * when any object has none, "never" or one that does not parse (such a sandbox is never
   * reaped: a reaper errs on the side of leaving things).
   */
  public static Optional<Instant> sandboxExpiry(Collection<String> marks) {
    Instant latest = null;
    for (String m : marks) {
      Optional<Instant> e = parseExpiry(m);
      if (e.isEmpty()) {
        return Optional.empty();
      }
      if (latest == null || e.get().isAfter(latest)) {
        latest = e.get();
      }
    }
    return Optional.ofNullable(latest);
  }
}
