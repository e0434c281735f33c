package dev.hangar.driver.kvm.seed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes an ISO 9660 (ECMA-119) image holding one root directory of plain files, with a Joliet
 * supplementary tree so that Linux, Windows and libarchive show the files by their real names.
 * The primary tree carries interchange-level-1 (8.3, upper case) names as a fallback only.
 *
 * <p>Layout, in 2048-byte logical sectors: 0–15 system area (zeros, ECMA-119 6.2.1); 16 primary
 * volume descriptor; 17 Joliet supplementary volume descriptor; 18 set terminator; 19–22 the
 * type-L and type-M path tables of each tree; then the primary root directory, the Joliet root
 * directory, and the file contents, each file starting on a sector of its own. Both trees point at
 * the same file extents. The output depends only on the arguments, so it is reproducible.
 *
 * <p>Callers validate names (see {@link NoCloudSeed}); this class assumes 1–64 characters of
 * {@code [A-Za-z0-9._-]}, unique ignoring case.
 */
final class IsoWriter {
  static final int SECTOR = 2048;
  private static final int PVD = 16;
  private static final int PATH_TABLES = 19; // L, M (primary), then L, M (Joliet)
  private static final int ROOT_DIRS = 23;
  private static final int PATH_TABLE_SIZE = 10; // one record: the root (ECMA-119 9.4)
  private static final int VD_DATES_AT = 813; // 0-based offset of the creation date (BP 814)

  private IsoWriter() {}

  /** A file of the root directory under both of its identifiers. */
  private record Entry(byte[] isoId, byte[] jolietId, byte[] data, int extent) {}

  static byte[] write(String volumeId, Map<String, byte[]> files, Instant time) {
    ZonedDateTime t = time.atZone(ZoneOffset.UTC);
    List<String> names = new ArrayList<>(files.keySet());
    List<String> isoNames = levelOneNames(names);
    // Directory records are sorted by identifier in each tree (ECMA-119 9.3); the two orders can
    // differ, so size the directories first, then place the file data after both of them.
    List<Integer> isoOrder = order(isoNames);
    List<Integer> jolietOrder = order(names);
    int isoDirSectors = dirSectors(isoOrder.stream().map(i -> ascii(isoNames.get(i))).toList());
    int jolietDirSectors = dirSectors(jolietOrder.stream().map(i -> ucs2(names.get(i))).toList());
    int isoRoot = ROOT_DIRS;
    int jolietRoot = isoRoot + isoDirSectors;
    int next = jolietRoot + jolietDirSectors;
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      byte[] data = files.get(names.get(i));
      // An empty file gets the next free sector as its (unread) extent, as mkisofs does: inside
      // the volume, so readers that range-check locations (libarchive) accept it.
      entries.add(new Entry(ascii(isoNames.get(i)), ucs2(names.get(i)), data, next));
      next += sectors(data.length);
    }
    int total = next;
    ByteBuffer out = ByteBuffer.wrap(new byte[Math.multiplyExact(total, SECTOR)]);

    byte[] date7 = date7(t);
    volumeDescriptor(out, PVD, false, volumeId, total, isoRoot, isoDirSectors, t, date7);
    volumeDescriptor(out, PVD + 1, true, volumeId, total, jolietRoot, jolietDirSectors, t, date7);
    out.position((PVD + 2) * SECTOR); // volume descriptor set terminator (ECMA-119 8.3)
    out.put((byte) 255).put(ascii("CD001")).put((byte) 1);
    pathTables(out, PATH_TABLES, isoRoot);
    pathTables(out, PATH_TABLES + 2, jolietRoot);
    directory(out, isoRoot, isoDirSectors, isoOrder.stream().map(entries::get)
        .map(e -> new Record(e.isoId(), e.extent(), e.data().length)).toList(), date7);
    directory(out, jolietRoot, jolietDirSectors, jolietOrder.stream().map(entries::get)
        .map(e -> new Record(e.jolietId(), e.extent(), e.data().length)).toList(), date7);
    for (Entry e : entries) {
      out.position(e.extent() * SECTOR);
      out.put(e.data());
    }
    return out.array();
  }

  private record Record(byte[] id, int extent, int size) {}

  /** ECMA-119 8.4 (primary) and 8.5 (supplementary); field numbers below are 1-based BPs. */
  private static void volumeDescriptor(ByteBuffer out, int sector, boolean joliet, String volumeId,
      int totalSectors, int rootExtent, int rootSectors, ZonedDateTime t, byte[] date7) {
    int base = sector * SECTOR;
    out.position(base);
    out.put((byte) (joliet ? 2 : 1)).put(ascii("CD001")).put((byte) 1).put((byte) 0);
    text(out, joliet, "", 32); // BP 9-40 system identifier
    text(out, joliet, volumeId, 32); // BP 41-72 volume identifier: the label blkid reports
    out.position(base + 80);
    both32(out, totalSectors); // BP 81-88 volume space size
    if (joliet) {
      // BP 89-120 escape sequences: "%/E" announces Joliet UCS-2 level 3 (Joliet spec 2.1).
      out.put((byte) '%').put((byte) '/').put((byte) 'E');
    }
    out.position(base + 120);
    both16(out, 1); // BP 121-124 volume set size
    both16(out, 1); // BP 125-128 volume sequence number
    both16(out, SECTOR); // BP 129-132 logical block size
    both32(out, PATH_TABLE_SIZE); // BP 133-140 path table size
    int tables = PATH_TABLES + (joliet ? 2 : 0);
    out.order(ByteOrder.LITTLE_ENDIAN).putInt(tables).putInt(0); // BP 141-148 type L (+ optional)
    out.order(ByteOrder.BIG_ENDIAN).putInt(tables + 1).putInt(0); // BP 149-156 type M (+ optional)
    record(out, new byte[] {0}, rootExtent, rootSectors * SECTOR, true, date7); // BP 157-190
    text(out, joliet, "", 128); // BP 191-318 volume set identifier
    text(out, joliet, "", 128); // BP 319-446 publisher
    text(out, joliet, "", 128); // BP 447-574 data preparer
    text(out, joliet, joliet ? "Hangar" : "HANGAR", 128); // BP 575-702 application
    text(out, joliet, "", 37); // BP 703-739 copyright file
    text(out, joliet, "", 37); // BP 740-776 abstract file
    text(out, joliet, "", 37); // BP 777-813 bibliographic file
    out.position(base + VD_DATES_AT);
    byte[] date17 = date17(t);
    out.put(date17).put(date17); // BP 814-847 creation, modification
    out.put(ascii("0000000000000000")).put((byte) 0); // BP 848-864 expiration: not specified
    out.put(date17); // BP 865-881 effective
    out.put((byte) 1); // BP 882 file structure version
  }

  /** Identifier fields: a-/d-characters padded with spaces, or UCS-2BE padded with U+0020. */
  private static void text(ByteBuffer out, boolean ucs2, String s, int width) {
    byte[] field = new byte[width];
    for (int i = 0; i < width; i++) {
      field[i] = (byte) (ucs2 && i % 2 == 0 ? 0 : ' ');
    }
    byte[] b = ucs2 ? ucs2(s) : ascii(s);
    System.arraycopy(b, 0, field, 0, Math.min(b.length, width - (ucs2 ? width % 2 : 0)));
    out.put(field);
  }

  /** One path table record for the root, once little- and once big-endian (ECMA-119 9.4). */
  private static void pathTables(ByteBuffer out, int sector, int rootExtent) {
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      out.position((sector + (order == ByteOrder.BIG_ENDIAN ? 1 : 0)) * SECTOR);
      out.order(order);
      out.put((byte) 1).put((byte) 0).putInt(rootExtent).putShort((short) 1); // parent: itself
      out.put((byte) 0).put((byte) 0); // identifier (root = 0x00) and pad to even length
    }
    out.order(ByteOrder.BIG_ENDIAN);
  }

  private static void directory(ByteBuffer out, int extent, int sectors, List<Record> files,
      byte[] date7) {
    out.position(extent * SECTOR);
    // "." and ".." (identifiers 0x00 and 0x01, ECMA-119 6.8.2.2); the root is its own parent.
    record(out, new byte[] {0}, extent, sectors * SECTOR, true, date7);
    record(out, new byte[] {1}, extent, sectors * SECTOR, true, date7);
    for (Record f : files) {
      int len = recordLength(f.id());
      if (out.position() % SECTOR + len > SECTOR) { // records never cross a sector (6.8.1.1)
        out.position((out.position() / SECTOR + 1) * SECTOR);
      }
      record(out, f.id(), f.extent(), f.size(), false, date7);
    }
  }

  /** A directory record (ECMA-119 9.1). */
  private static void record(ByteBuffer out, byte[] id, int extent, int size, boolean dir,
      byte[] date7) {
    int len = recordLength(id);
    out.put((byte) len).put((byte) 0); // BP 1 length, BP 2 extended attribute record length
    both32(out, extent); // BP 3-10
    both32(out, size); // BP 11-18
    out.put(date7); // BP 19-25 recording date and time
    out.put((byte) (dir ? 2 : 0)).put((byte) 0).put((byte) 0); // BP 26 flags, 27-28 interleave
    both16(out, 1); // BP 29-32 volume sequence number
    out.put((byte) id.length).put(id); // BP 33, 34-
    if (id.length % 2 == 0) {
      out.put((byte) 0); // padding field: keeps the record length even (9.1.12)
    }
  }

  private static int recordLength(byte[] id) {
    return 33 + id.length + (id.length % 2 == 0 ? 1 : 0);
  }

  private static int dirSectors(List<byte[]> ids) {
    int pos = 2 * 34; // "." and ".."
    for (byte[] id : ids) {
      int len = recordLength(id);
      if (pos % SECTOR + len > SECTOR) {
        pos = (pos / SECTOR + 1) * SECTOR;
      }
      pos += len;
    }
    return sectors(pos);
  }

  static int sectors(long bytes) {
    return Math.toIntExact((bytes + SECTOR - 1) / SECTOR);
  }

  /**
   * Interchange level 1 identifiers "NAME.EXT;1" (ECMA-119 7.5, 10.1): d-characters only, at most
   * 8 + 3, made unique by a numeric tail. Linux shows these only when mounted with nojoliet.
   */
  static List<String> levelOneNames(List<String> names) {
    Set<String> taken = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (String name : names) {
      int dot = name.lastIndexOf('.');
      String stem = dChars(dot < 0 ? name : name.substring(0, dot), 8);
      String ext = dChars(dot < 0 ? "" : name.substring(dot + 1), 3);
      stem = stem.isEmpty() ? "_" : stem;
      String candidate = stem;
      for (int n = 1; taken.contains(candidate + "." + ext); n++) {
        String tail = Integer.toString(n);
        candidate = stem.substring(0, Math.min(stem.length(), 8 - tail.length())) + tail;
      }
      taken.add(candidate + "." + ext);
      out.add(candidate + "." + ext + ";1");
    }
    return out;
  }

  private static String dChars(String s, int max) {
    String up = s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    return up.substring(0, Math.min(up.length(), max));
  }

  /**
   * Indexes of names in directory order (ECMA-119 9.3): by name part, then by extension, the
   * shorter padded with spaces; the version suffix is the same ";1" for all and is ignored.
   */
  private static List<Integer> order(List<String> names) {
    Comparator<Integer> byName = Comparator.comparing(i -> part(names.get(i), true),
        IsoWriter::padded);
    Comparator<Integer> cmp = byName.thenComparing(i -> part(names.get(i), false),
        IsoWriter::padded);
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      idx.add(i);
    }
    idx.sort(cmp);
    return idx;
  }

  private static String part(String id, boolean name) {
    String s = id.endsWith(";1") ? id.substring(0, id.length() - 2) : id;
    int dot = s.lastIndexOf('.');
    return dot < 0 ? (name ? s : "") : name ? s.substring(0, dot) : s.substring(dot + 1);
  }

  private static int padded(String a, String b) {
    for (int i = 0; i < Math.max(a.length(), b.length()); i++) {
      char x = i < a.length() ? a.charAt(i) : ' ';
      char y = i < b.length() ? b.charAt(i) : ' ';
      if (x != y) {
        return Character.compare(x, y);
      }
    }
    return 0;
  }

  /** Recording date of directory records (ECMA-119 9.1.5): years since 1900, UTC offset 0. */
  private static byte[] date7(ZonedDateTime t) {
    return new byte[] {(byte) (t.getYear() - 1900), (byte) t.getMonthValue(),
        (byte) t.getDayOfMonth(), (byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(),
        0};
  }

  /** Volume descriptor date (ECMA-119 8.4.26.1): 16 digits with hundredths, then UTC offset 0. */
  private static byte[] date17(ZonedDateTime t) {
    String digits = String.format(Locale.ROOT, "%04d%02d%02d%02d%02d%02d00", t.getYear(),
        t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
    byte[] out = new byte[17];
    System.arraycopy(ascii(digits), 0, out, 0, 16);
    return out;
  }

  /** Both-byte orders: the little-endian half first (ECMA-119 7.2.3, 7.3.3). */
  private static void both16(ByteBuffer out, int v) {
    out.order(ByteOrder.LITTLE_ENDIAN).putShort((short) v);
    out.order(ByteOrder.BIG_ENDIAN).putShort((short) v);
  }

  private static void both32(ByteBuffer out, int v) {
    out.order(ByteOrder.LITTLE_ENDIAN).putInt(v);
    out.order(ByteOrder.BIG_ENDIAN).putInt(v);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] ucs2(String s) {
    return s.getBytes(StandardCharsets.UTF_16BE); // callers pass BMP-only text: UCS-2
  }
}
