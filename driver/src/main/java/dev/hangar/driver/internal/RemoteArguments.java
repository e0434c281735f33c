package dev.hangar.driver.internal;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.VmReshape;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text arguments of the remote commands into the typed, checked values backends take,
 * before any cloud is called: snapshot names, Yes/No, reconfigure_vm's cpu/ram/hdd as the vCenter
 * shell takes them, PowerCycle's delay. Each error names the argument and what it accepts.
 */
public final class RemoteArguments {
  /** Largest snapshot name or path: libvirt and EBS names stay well under it. */
  static final int MAX_SNAPSHOT_NAME = 200;
  /** PowerCycle's longest wait: longer is surely a mistake and would hold a command slot. */
  static final Duration MAX_DELAY = Duration.ofHours(1);
  private static final Pattern DISK = Pattern.compile(
      "(?i)^\\s*(?:hard\\s*disk\\s*)?(\\d{1,3})\\s*:\\s*(\\S+)\\s*$");
  private static final long MAX_RAM_MIB = 16L * 1024 * 1024;
  private static final long MAX_DISK_GIB = 64L * 1024;

  private RemoteArguments() {}

  /** A new snapshot's name: not blank, no {@code /} (it separates a path's names). */
  public static String snapshotName(String name) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty()) {
      throw new ClientException("snapshot_name is empty; give the new snapshot a name");
    }
    if (n.contains("/")) {
      throw new ClientException("snapshot_name '" + shown(n) + "' contains '/', which separates"
          + " the names of a snapshot path; choose a name without it");
    }
    checkLength(n);
    return n;
  }

  /** An existing snapshot's path ({@code a/b}): not blank, no empty name in it. */
  public static String snapshotPath(String path) {
    String p = path == null ? "" : path.strip();
    if (p.isEmpty()) {
      throw new ClientException("snapshot_name is empty; give the snapshot's path (see"
          + " remote_get_snapshots)");
    }
    for (String part : p.split("/", -1)) {
      if (part.isBlank()) {
        throw new ClientException("snapshot_name '" + shown(p) + "' has an empty name in it;"
            + " a path is names joined by '/', for example Snapshot1/Snapshot2");
      }
    }
    checkLength(p);
    return p;
  }

  /** Yes or No, any case (already checked by {@link Parameters} for the platform's lookups). */
  public static boolean yes(String parameter, String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new ClientException(parameter + " must be Yes or No, not '"
          + shown(value) + "'");
    };
  }

  /**
   * reconfigure_vm's arguments: {@code cpu} a positive whole number, {@code ram} positive GB
   * ("4", "0.5"; memory is whole MiB, rounded down as vCenter does), {@code hdd} disk sizes in
   * whole GB by disk number, {@code "1:100;2:200"} or {@code "Hard Disk 1:100;Hard Disk 2:200"}.
   * Each may be empty; at least one must be given.
   */
  public static VmReshape reshape(String cpu, String ram, String hdd) {
    OptionalInt cpus = blank(cpu) ? OptionalInt.empty() : OptionalInt.of(cpus(cpu.strip()));
    OptionalLong memory = blank(ram) ? OptionalLong.empty() : OptionalLong.of(ramMib(ram.strip()));
    Map<Integer, Long> disks = blank(hdd) ? Map.of() : disks(hdd);
    VmReshape r = new VmReshape(cpus, memory, disks);
    if (r.isEmpty()) {
      throw new ClientException("reconfigure_vm needs at least one of cpu, ram (GB) and hdd"
          + " ('1:100;2:200')");
    }
    return r;
  }

  private static int cpus(String cpu) {
    try {
      int n = Integer.parseInt(cpu);
      if (n > 0 && n <= 1024) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ClientException("cpu must be a whole number of CPUs from 1 to 1024, not '"
        + shown(cpu) + "'");
  }

  private static long ramMib(String ram) {
    BigDecimal gb;
    try {
      gb = new BigDecimal(ram);
    } catch (NumberFormatException e) {
      throw new ClientException("ram must be a number of GB such as 4 or 0.5, not '"
          + shown(ram) + "'");
    }
    BigDecimal mib = gb.multiply(BigDecimal.valueOf(1024));
    if (gb.signum() <= 0 || mib.compareTo(BigDecimal.ONE) < 0
        || mib.compareTo(BigDecimal.valueOf(MAX_RAM_MIB)) > 0) {
      throw new ClientException("ram must be more than 0 GB and at most " + MAX_RAM_MIB / 1024
          + " GB, not '" + shown(ram) + "'");
    }
    return mib.longValue();
  }

  private static Map<Integer, Long> disks(String hdd) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    for (String entry : hdd.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      Matcher m = DISK.matcher(entry);
      if (!m.matches()) {
        throw new ClientException("hdd entry '" + shown(entry.strip()) + "' is not DISK:SIZE;"
            + " write 'Hard Disk 1:100;Hard Disk 2:200' or '1:100;2:200' (sizes in GB)");
      }
      int disk = Integer.parseInt(m.group(1));
      if (disk < 1) {
        throw new ClientException("hdd: disks are numbered from 1 (Hard Disk 1), not " + disk);
      }
      long size;
      try {
        size = Long.parseLong(m.group(2));
      } catch (NumberFormatException e) {
        throw new ClientException("hdd: the size of Hard Disk " + disk + " must be a whole"
            + " number of GB, not '" + shown(m.group(2)) + "'");
      }
      if (size < 1 || size > MAX_DISK_GIB) {
        throw new ClientException("hdd: the size of Hard Disk " + disk + " must be from 1 to "
            + MAX_DISK_GIB + " GB, not " + size);
      }
      if (out.put(disk, size) != null) {
        throw new ClientException("hdd names Hard Disk " + disk + " twice");
      }
    }
    if (out.isEmpty()) {
      throw new ClientException("hdd '" + shown(hdd) + "' names no disk; write '1:100;2:200'");
    }
    return out;
  }

  /** PowerCycle's delay: seconds, 0 to an hour, fractions allowed (vCenter's float(delay)). */
  public static Duration delay(String delay) {
    String d = delay == null ? "" : delay.strip();
    try {
      BigDecimal seconds = new BigDecimal(d);
      if (seconds.signum() >= 0
          && seconds.compareTo(BigDecimal.valueOf(MAX_DELAY.toSeconds())) <= 0) {
        return Duration.ofMillis(seconds.multiply(BigDecimal.valueOf(1000)).longValue());
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ClientException("delay must be a number of seconds from 0 to "
        + MAX_DELAY.toSeconds() + ", not '" + shown(d) + "'");
  }

  private static void checkLength(String n) {
    if (n.length() > MAX_SNAPSHOT_NAME) {
      throw new ClientException("snapshot_name is " + n.length() + " characters long; at most "
          + MAX_SNAPSHOT_NAME);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String shown(String v) {
    if (v == null) {
      return "";
    }
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
