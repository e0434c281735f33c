package dev.hangar.driver.spi;

import dev.hangar.driver.ClientException;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The provider's {@code Quotas}: limits per owner domain and per reservation, written
 * {@code "domain.vms=20, domain.vcpus=64, domain.ram=131072, reservation.vms=10"} (RAM in MiB).
 * A limit not named is no limit.
 */
public record Quotas(Map<String, Long> limits) {
  /** The scopes a limit applies to. */
  public static final List<String> SCOPES = List.of("domain", "reservation");
  /** What a limit counts. */
  public static final List<String> MEASURES = List.of("vms", "vcpus", "ram", "public-ips");

  public Quotas {
    limits = Map.copyOf(limits);
  }

  /** No limits. */
  public static final Quotas NONE = new Quotas(Map.of());

  /** The provider's quotas; a clear error naming the attribute when they do not parse. */
  public static Quotas of(ProviderResource provider) {
    String text;
    try {
      text = provider.values(List.of()).string(ProviderModel.QUOTAS);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new ClientException("attribute 'Quotas' of cloud provider '" + provider.name()
          + "': " + e.getMessage());
    }
  }

  static Quotas parse(String text) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return NONE;
    }
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.strip() : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      int dot = key.indexOf('.');
      if (eq < 0 || dot < 0 || !SCOPES.contains(key.substring(0, dot))
          || !MEASURES.contains(key.substring(dot + 1))) {
        throw new IllegalArgumentException("'" + shown(part.strip()) + "' is not SCOPE.MEASURE=N"
            + " with SCOPE one of " + SCOPES + " and MEASURE one of " + MEASURES);
      }
      long n;
      try {
        n = Long.parseLong(part.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0) {
        throw new IllegalArgumentException("the limit of " + key + " must be a whole number"
            + " from 0");
      }
      out.put(key, n);
    }
    return new Quotas(out);
  }

  /** True when nothing is limited. */
  public boolean isEmpty() {
    return limits.isEmpty();
  }

  /**
   * The first limit that {@code use} exceeds, as a message naming the quota, its use and its
   * limit, or null when none is exceeded.
   *
   * @param scope "domain" or "reservation"
   * @param who the domain or reservation id, for the message
   * @param use by measure
   */
  public String exceeded(String scope, String who, Map<String, Long> use) {
    for (String m : MEASURES) {
      Long limit = limits.get(scope + "." + m);
      long used = use.getOrDefault(m, 0L);
      if (limit != null && used > limit) {
        return "quota " + scope + "." + m + " of " + scope + " '" + who + "' exceeded: " + used
            + (m.equals("ram") ? " MiB" : "") + " in use with this Deploy, limit " + limit;
      }
    }
    return null;
  }

  private static String shown(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
