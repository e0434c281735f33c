package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider's failover areas (attribute 'Areas'): groups of hypervisors that share the storage
 * pool (the same pool name and path on each) and so can run each other's VMs from their disks.
 * Written {@code area1: URI, URI; area2: URI}; every URI must be one of 'Hypervisors' and in at
 * most one area. A hypervisor in no area is never a recovery target and its VMs are never
 * recovered. Empty: no areas.
 *
 * @param byHost the area of each hypervisor URI that has one, in the order written
 */
record KvmAreas(Map<String, String> byHost) {
  static final KvmAreas NONE = new KvmAreas(Map.of());
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  KvmAreas {
    byHost = Collections.unmodifiableMap(new LinkedHashMap<>(byHost));
  }

  /**
   * Parses the attribute against the provider's hypervisor URIs.
   *
   * @throws ClientException naming the attribute and what is wrong
   */
  static KvmAreas parse(String value, List<String> hypervisors) {
    Map<String, String> byHost = new LinkedHashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String entry : value.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon < 0 || entry.startsWith("//", colon + 1)) {
        // No colon, or only the one of a URI's scheme: the area name is missing.
        throw bad("'" + entry.strip() + "' names no area; write 'area1: URI, URI; area2: URI'");
      }
      String area = entry.substring(0, colon).strip();
      if (!NAME.matcher(area).matches()) {
        throw bad("'" + area + "' is not an area name (letters, digits, '.', '_', '-'; at most"
            + " 63)");
      }
      if (sizes.containsKey(area)) {
        throw bad("area '" + area + "' is named twice; list all its hypervisors once");
      }
      int count = 0;
      for (String raw : entry.substring(colon + 1).split(",")) {
        String uri = raw.strip();
        if (uri.isEmpty()) {
          continue;
        }
        if (!hypervisors.contains(uri)) {
          throw bad("'" + uri + "' in area '" + area + "' is not one of Hypervisors ("
              + String.join(", ", hypervisors) + ")");
        }
        String before = byHost.putIfAbsent(uri, area);
        if (before != null) {
          throw bad("'" + uri + "' is in area '" + before + "' and in area '" + area
              + "'; a hypervisor belongs to one area");
        }
        count++;
      }
      if (count == 0) {
        throw bad("area '" + area + "' names no hypervisor");
      }
      sizes.put(area, count);
    }
    return new KvmAreas(byHost);
  }

  private static ClientException bad(String why) {
    return new ClientException("attribute 'Areas': " + why);
  }

  boolean isEmpty() {
    return byHost.isEmpty();
  }

  /** The area of a hypervisor, or empty when it has none. */
  Optional<String> areaOf(String uri) {
    return Optional.ofNullable(byHost.get(uri));
  }

  /** The hypervisors of {@code area}, in the order written. */
  List<String> hostsOf(String area) {
    List<String> out = new ArrayList<>();
    byHost.forEach((uri, a) -> {
      if (a.equals(area)) {
        out.add(uri);
      }
    });
    return out;
  }

  /**
   * Where a new VM with the deployment attribute 'Area' = {@code area} may be placed: every host
   * of {@code reach} when it is empty, else the hosts of that area (the others set aside as by
   * {@link #within}).
   *
   * @throws ClientException when the provider has no areas or none named {@code area}
   */
  VmLocator.Reach forDeploy(VmLocator.Reach reach, String area) {
    if (area.isEmpty()) {
      return reach;
    }
    if (isEmpty()) {
      throw new ClientException("attribute 'Area' is '" + area + "', but the provider has no"
          + " areas (its attribute 'Areas' is empty); clear 'Area' or set 'Areas' on the"
          + " provider");
    }
    if (!byHost.containsValue(area)) {
      throw new ClientException("attribute 'Area': '" + area + "' is not an area of the"
          + " provider (its areas: " + String.join(", ", new LinkedHashSet<>(byHost.values()))
          + ")");
    }
    return within(reach, area);
  }

  /**
   * {@code reach} narrowed to the hosts of {@code area}: the others are set aside as down, with
   * the reason, so that placement names them and never uses them.
   */
  VmLocator.Reach within(VmLocator.Reach reach, String area) {
    List<Hypervisor> up = new ArrayList<>();
    Map<String, String> down = new LinkedHashMap<>();
    for (Hypervisor h : reach.up()) {
      if (area.equals(byHost.get(h.uri()))) {
        up.add(h);
      } else {
        down.put(h.uri(), "outside area '" + area + "'");
      }
    }
    reach.down().forEach((uri, why) -> down.put(uri, area.equals(byHost.get(uri)) ? why
        : "outside area '" + area + "'"));
    return new VmLocator.Reach(up, down);
  }
}
