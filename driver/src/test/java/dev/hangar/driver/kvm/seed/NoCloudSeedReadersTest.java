package dev.hangar.driver.kvm.seed;

import static dev.hangar.driver.kvm.seed.IsoTools.ok;
import static dev.hangar.driver.kvm.seed.IsoTools.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads seed images with independent implementations — libarchive (bsdtar), cdrkit (isoinfo),
 * libmagic (file), libblkid (blkid) — and compares what they see with what went in.
 */
class NoCloudSeedReadersTest {
  @TempDir Path dir;

  private static final String UUID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

  @ParameterizedTest(name = "{0} bytes of user data")
  @ValueSource(ints = {0, 1, 2047, 2048, 2049, 5_000_000})
  void bsdtarAndIsoinfoExtractTheSameBytes(int size) throws Exception {
    String userData = text(size, size);
    byte[] iso = NoCloudSeed.image(UUID, "vm-1", userData);
    Map<String, byte[]> files = extractWithBsdtar(iso);
    assertThat(files).containsOnlyKeys("user-data", "meta-data");
    assertThat(files.get("user-data")).isEqualTo(userData.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(files.get("meta-data"), StandardCharsets.UTF_8))
        .isEqualTo("instance-id: \"" + UUID + "\"\nlocal-hostname: \"vm-1\"\n");
    assertThat(extractWithIsoinfo(iso, "/user-data"))
        .isEqualTo(userData.getBytes(StandardCharsets.UTF_8));
    assertThat(iso.length % 2048).isZero();
  }

  @Test
  void nonAsciiUserDataRoundTripsAsUtf8() throws Exception {
    String userData = "#cloud-config\nwrite_files:\n- path: /etc/motd\n  content: |\n"
        + "    Grüße, 日本語, Ελληνικά, emoji 🚀 and a tab\there\r\n";
    byte[] iso = NoCloudSeed.image("iid-ü", "höst", userData);
    Map<String, byte[]> files = extractWithBsdtar(iso);
    assertThat(files.get("user-data")).isEqualTo(userData.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(files.get("meta-data"), StandardCharsets.UTF_8))
        .isEqualTo("instance-id: \"iid-ü\"\nlocal-hostname: \"höst\"\n");
    assertThat(extractWithIsoinfo(iso, "/user-data"))
        .isEqualTo(userData.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void binaryFilesAndNetworkConfigViaTheBuilder() throws Exception {
    byte[] binary = new byte[100_000];
    new Random(42).nextBytes(binary);
    String network = "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n";
    byte[] iso = NoCloudSeed.builder().metaData("i-1", "h").file("user-data", binary)
        .networkConfig(network).file("vendor-data", new byte[0]).build();
    Map<String, byte[]> files = extractWithBsdtar(iso);
    assertThat(files).containsOnlyKeys("user-data", "meta-data", "network-config", "vendor-data");
    assertThat(files.get("user-data")).isEqualTo(binary);
    assertThat(files.get("network-config")).isEqualTo(network.getBytes(StandardCharsets.UTF_8));
    assertThat(files.get("vendor-data")).isEmpty();
    assertThat(extractWithIsoinfo(iso, "/network-config"))
        .isEqualTo(network.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void isoinfoSeesVolumeCidataWithJolietNames() throws Exception {
    String isoinfo = require("isoinfo", "genisoimage");
    byte[] iso = NoCloudSeed.image(UUID, "vm-1", "#cloud-config\n");
    Path image = write(iso);
    String d = ok(dir, isoinfo, "-d", "-i", image.toString()).out();
    assertThat(d).contains("CD-ROM is in ISO 9660 format", "Volume id: cidata\n",
        "Logical block size is: 2048", "Volume size is: " + iso.length / 2048,
        "Joliet with UCS level 3 found");
    assertThat(listing(ok(dir, isoinfo, "-J", "-l", "-i", image.toString()).out()))
        .containsExactly("meta-data", "user-data");
    // The primary tree holds level-1 names, what a reader that ignores Joliet would show.
    assertThat(listing(ok(dir, isoinfo, "-l", "-i", image.toString()).out()))
        .containsExactly("META_DAT.;1", "USER_DAT.;1");
  }

  /** ECMA-119 9.3: by name part, then extension, space-padded; not plain string order. */
  @Test
  void directoryRecordsAreInEcma119Order() throws Exception {
    String isoinfo = require("isoinfo", "genisoimage");
    Path image = write(NoCloudSeed.builder().metaData("i", "h").userData("")
        .file("a-c", new byte[] {1}).file("a.b", new byte[] {2}).build());
    // isoinfo lists records in their on-disk order.
    assertThat(listing(ok(dir, isoinfo, "-J", "-l", "-i", image.toString()).out()))
        .containsExactly("a.b", "a-c", "meta-data", "user-data");
    assertThat(listing(ok(dir, isoinfo, "-l", "-i", image.toString()).out()))
        .containsExactly("A.B;1", "A_C.;1", "META_DAT.;1", "USER_DAT.;1");
  }

  @Test
  void fileAndBlkidRecogniseIso9660LabelledCidata() throws Exception {
    String file = require("file", "file");
    String blkid = require("blkid", "util-linux");
    Path image = write(NoCloudSeed.image(UUID, "vm-1", "#cloud-config\n"));
    assertThat(ok(dir, file, "-b", image.toString()).out())
        .contains("ISO 9660 CD-ROM filesystem data 'cidata'");
    String probe = ok(dir, blkid, "-p", "-o", "export", image.toString()).out();
    assertThat(probe.lines()).contains("TYPE=iso9660", "LABEL=cidata");
  }

  @Test
  void aDirectoryOfManyLongNamesSpansSectorsAndKeepsEveryFile() throws Exception {
    String isoinfo = require("isoinfo", "genisoimage");
    Map<String, byte[]> in = new LinkedHashMap<>();
    in.put("user-data", "#cloud-config\n".getBytes(StandardCharsets.UTF_8));
    in.put("meta-data", "instance-id: \"x\"\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < NoCloudSeed.MAX_FILES - 2; i++) {
      // 64 characters, all mapping to the same 8.3 name: 14 Joliet records of 162 bytes do not
      // fit one sector, and the level-1 names need their numeric tails.
      String name = ("user-data-" + "x".repeat(52) + String.format("%02d", i));
      in.put(name, ("file " + i).repeat(i * 300).getBytes(StandardCharsets.UTF_8));
    }
    byte[] iso = NoCloudSeed.builder().files(in).build();
    Map<String, byte[]> out = extractWithBsdtar(iso);
    assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(in.keySet());
    in.forEach((name, bytes) -> assertThat(out.get(name)).as(name).isEqualTo(bytes));
    Path image = write(iso);
    assertThat(listing(ok(dir, isoinfo, "-J", "-l", "-i", image.toString()).out()))
        .containsExactlyInAnyOrderElementsOf(in.keySet());
    List<String> primary = listing(ok(dir, isoinfo, "-l", "-i", image.toString()).out());
    assertThat(primary).hasSize(in.size()).doesNotHaveDuplicates()
        .allMatch(n -> n.matches("[A-Z0-9_]{1,8}\\.[A-Z0-9_]{0,3};1"));
    assertThat(extractWithIsoinfo(iso, "/" + in.keySet().toArray()[15]))
        .isEqualTo(in.values().toArray(new byte[0][])[15]);
  }

  @Test
  void filesCarryTheGivenTime() throws Exception {
    Instant when = Instant.parse("2024-05-06T07:08:09Z");
    byte[] iso = NoCloudSeed.builder().time(when).metaData("i", "h").userData("x").build();
    Path out = dir.resolve("timed");
    Files.createDirectories(out);
    ok(dir, require("bsdtar", "libarchive-tools"), "-xf", write(iso).toString(), "-C",
        out.toString());
    assertThat(Files.getLastModifiedTime(out.resolve("user-data")).toInstant()).isEqualTo(when);
  }

  private Path write(byte[] iso) throws IOException {
    return Files.write(Files.createTempFile(dir, "seed", ".iso"), iso);
  }

  private Map<String, byte[]> extractWithBsdtar(byte[] iso) throws Exception {
    String bsdtar = require("bsdtar", "libarchive-tools");
    Path image = write(iso);
    Path out = Files.createTempDirectory(dir, "x");
    ok(dir, bsdtar, "-xf", image.toString(), "-C", out.toString());
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.sorted().toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private byte[] extractWithIsoinfo(byte[] iso, String jolietPath) throws Exception {
    String isoinfo = require("isoinfo", "genisoimage");
    return ok(dir, isoinfo, "-J", "-i", write(iso).toString(), "-x", jolietPath).stdout();
  }

  /** File names of an {@code isoinfo -l} listing of the root, without "." and "..". */
  static List<String> listing(String isoinfoList) {
    return isoinfoList.lines().filter(l -> l.startsWith("-") || l.startsWith("d"))
        .map(l -> l.substring(l.indexOf(']') + 1).trim())
        .filter(n -> !n.equals(".") && !n.equals("..")).collect(Collectors.toList());
  }

  /** Deterministic text of {@code size} UTF-8 bytes: ASCII lines (varied by seed). */
  static String text(int size, long seed) {
    Random r = new Random(seed);
    char[] c = new char[size];
    for (int i = 0; i < size; i++) {
      c[i] = i % 64 == 63 ? '\n' : (char) (' ' + r.nextInt(95));
    }
    String s = new String(c);
    assertThat(s.getBytes(StandardCharsets.UTF_8)).hasSize(size);
    return s;
  }
}
