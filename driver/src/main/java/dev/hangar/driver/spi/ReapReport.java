package dev.hangar.driver.spi;

import java.util.ArrayList;
import java.util.List;

/** What a {@link Reaper} found and did: one line per object. */
public record ReapReport(List<Line> lines) {
  public ReapReport {
    lines = List.copyOf(lines);
  }

  /** What happened to one object. */
  public enum Outcome {
    /** Removed by this run. */
    REMOVED,
    /** A dry run: would be removed. */
    WOULD_REMOVE,
    /** Gone by the time this run got to it (another reaper, a late teardown). */
    ALREADY_GONE,
    /** Could not be removed (or a hypervisor could not be searched); see the error. */
    FAILED
  }

  /**
   * One object.
   *
   * @param kind what it is: domain, volume, OVS port, instance, VPC, ...
   * @param id its name or cloud id
   * @param where the hypervisor URI or region
   * @param sandbox the reservation id it is marked with
   * @param why why it is reaped (the sandbox's expiry)
   * @param error what failed ("" unless FAILED)
   */
  public record Line(Outcome outcome, String kind, String id, String where, String sandbox,
      String why, String error) {
    /**
     * The line as the reap command prints it, tab-separated; tabs and line breaks inside a
     * field (an error message, a hostile name) become spaces, so one object is one line.
     */
    public String format() {
      return String.join("\t", outcome.name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-'), flat(kind), flat(id), flat(where), flat(sandbox),
          flat(error.isEmpty() ? why : why + "; " + error));
    }

    private static String flat(String s) {
      return s == null ? "" : s.replaceAll("[\\t\\r\\n]+", " ");
    }
  }

  /** True when nothing failed. */
  public boolean clean() {
    return lines.stream().noneMatch(l -> l.outcome() == Outcome.FAILED);
  }

  /** Both reports' lines. */
  public ReapReport plus(ReapReport other) {
    List<Line> all = new ArrayList<>(lines);
    all.addAll(other.lines());
    return new ReapReport(all);
  }
}
