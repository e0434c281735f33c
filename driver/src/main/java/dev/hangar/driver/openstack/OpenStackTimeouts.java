package dev.hangar.driver.openstack;

import java.time.Duration;

/**
 * The bounds of the OpenStack backend's calls and waits; tests shorten them.
 *
 * @param connect TCP connect to an API
 * @param read one API answer
 * @param active a booted server to become ACTIVE
 * @param power a server to become ACTIVE or SHUTOFF after start/stop
 * @param gone a deleted server to disappear
 * @param poll between two looks at a server
 * @param claimStale the age past which a Deploy's claim ({@link ServerClaims}) was left by a
 *     host that died: longer than any Deploy holds one
 */
record OpenStackTimeouts(Duration connect, Duration read, Duration active, Duration power,
    Duration gone, Duration poll, Duration claimStale) {
  /** A claim older than this was left by a host that died (see {@link ServerClaims}). */
  static final Duration CLAIM_STALE = Duration.ofMinutes(15);
  static final OpenStackTimeouts DEFAULT = new OpenStackTimeouts(Duration.ofSeconds(10),
      Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(3),
      Duration.ofMinutes(3), Duration.ofMillis(500));

  /** The bounds with the default {@link #CLAIM_STALE}. */
  OpenStackTimeouts(Duration connect, Duration read, Duration active, Duration power,
      Duration gone, Duration poll) {
    this(connect, read, active, power, gone, poll, CLAIM_STALE);
  }

  /** These bounds with another claim age limit (tests make it tiny). */
  OpenStackTimeouts withClaimStale(Duration stale) {
    return new OpenStackTimeouts(connect, read, active, power, gone, poll, stale);
  }
}
