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
 */
record OpenStackTimeouts(Duration connect, Duration read, Duration active, Duration power,
    Duration gone, Duration poll) {
  static final OpenStackTimeouts DEFAULT = new OpenStackTimeouts(Duration.ofSeconds(10),
      Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(3),
      Duration.ofMinutes(3), Duration.ofMillis(500));
}
