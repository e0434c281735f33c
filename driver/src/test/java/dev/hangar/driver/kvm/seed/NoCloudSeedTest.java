package dev.hangar.driver.kvm.seed;

import static dev.hangar.driver.kvm.seed.IsoTools.ok;
import static dev.hangar.driver.kvm.seed.IsoTools.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.testing.Daemons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** meta-data quoting, determinism and the limits of {@link NoCloudSeed}. */
class NoCloudSeedTest {
  @TempDir Path dir;

  /** Every YAML-significant character a user could put in a VM name or id. */
  static final String HOSTILE_ID = "i-1: x # y \"q\" 'a'\n{k: v}\\ \t[z], &a *a !!str |>";
  static final String HOSTILE_HOST = "h\r\n---\n- %YAML ~ \u0000\u0007\u007f\u0085\u00a0"
      + "\u2028\u2029\ufeff\ud83d\ude80 ü";

  @Test
  void metaDataQuotesYamlHostileValuesAsOneDoubleQuotedScalarEach() {
    assertThat(NoCloudSeed.metaData(HOSTILE_ID, HOSTILE_HOST)).isEqualTo(
        "instance-id: \"i-1: x # y \\\"q\\\" 'a'\\n{k: v}\\\\ \\t[z], &a *a !!str |>\"\n"
        + "local-hostname: \"h\\r\\n---\\n- %YAML ~ \\0\\x07\\x7F\\N\u00a0\\L\\P\\uFEFF"
        + "\ud83d\ude80 ü\"\n");
  }

  @Test
  void metaDataOmitsAnAbsentHostname() {
    assertThat(NoCloudSeed.metaData("iid", null)).isEqualTo("instance-id: \"iid\"\n");
    assertThat(NoCloudSeed.metaData("iid", "")).isEqualTo("instance-id: \"iid\"\n");
  }

  /** PyYAML is what cloud-init parses meta-data with (yaml.safe_load). */
  @Test
  void pyYamlReadsBackExactlyTheStringsThatWentIn() throws Exception {
    String python = require("python3", "python3");
    Daemons.need(IsoTools.run(dir, python, "-c", "import yaml").exit() == 0,
        "PyYAML is not installed (Debian package python3-yaml)");
    List<String[]> cases = List.of(new String[] {HOSTILE_ID, HOSTILE_HOST},
        new String[] {"123", "true"}, new String[] {"null", "~"}, new String[] {" x ", "- a"},
        new String[] {"{a: 1}", "[1, 2]"}, new String[] {"'", "\""},
        new String[] {"a\u0001b\u001fc\u0080d", "\u00e9\u4e2d\uffff\ud800\udc00"});
    List<String> args = new ArrayList<>(List.of(python, "-c", """
        import sys, yaml
        for f in sys.argv[1:]:
            with open(f, 'rb') as h:
                d = yaml.safe_load(h)
            assert isinstance(d, dict), repr(d)
            print(' '.join(k + '=' + (v.encode('utf-8').hex() if isinstance(v, str)
                                      else 'not-a-string:' + repr(v)) for k, v in d.items()))
        """));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String[] c = cases.get(i);
      Path f = dir.resolve("meta-data-" + i);
      Files.writeString(f, NoCloudSeed.metaData(c[0], c[1]), StandardCharsets.UTF_8);
      args.add(f.toString());
      expected.add("instance-id=" + hex(c[0]) + " local-hostname=" + hex(c[1]));
    }
    assertThat(ok(dir, args.toArray(String[]::new)).out().lines()).containsExactlyElementsOf(
        expected);
  }

  @Test
  void hostileValuesSurviveTheImageToo() throws Exception {
    byte[] iso = NoCloudSeed.image(HOSTILE_ID, HOSTILE_HOST, "#cloud-config\n");
    Path image = Files.write(dir.resolve("seed.iso"), iso);
    Path out = Files.createDirectories(dir.resolve("x"));
    ok(dir, require("bsdtar", "libarchive-tools"), "-xf", image.toString(), "-C",
        out.toString());
    assertThat(Files.readString(out.resolve("meta-data"), StandardCharsets.UTF_8))
        .isEqualTo(NoCloudSeed.metaData(HOSTILE_ID, HOSTILE_HOST));
  }

  @Test
  void theSameInputGivesTheSameBytes() {
    assertThat(NoCloudSeed.image("i", "h", "#cloud-config\n"))
        .isEqualTo(NoCloudSeed.image("i", "h", "#cloud-config\n"));
    Map<String, byte[]> forward = new LinkedHashMap<>();
    forward.put("user-data", new byte[] {1});
    forward.put("meta-data", new byte[] {2});
    forward.put("network-config", new byte[] {3});
    Map<String, byte[]> backward = new TreeMap<>(java.util.Comparator.reverseOrder());
    backward.putAll(forward);
    assertThat(NoCloudSeed.builder().files(forward).build())
        .isEqualTo(NoCloudSeed.builder().files(backward).build());
    assertThat(NoCloudSeed.builder().files(forward).time(Instant.parse("2030-01-01T00:00:00Z"))
        .build()).isNotEqualTo(NoCloudSeed.builder().files(forward).build());
  }

  @Test
  void userDataUpTo16MiBIsAcceptedAndOneByteMoreIsNot() {
    byte[] iso = NoCloudSeed.image("i", "h", "a".repeat(NoCloudSeed.MAX_FILE_BYTES));
    assertThat(iso.length).isGreaterThan(NoCloudSeed.MAX_FILE_BYTES);
    assertThatThrownBy(() -> NoCloudSeed.image("i", "h", "a".repeat(NoCloudSeed.MAX_FILE_BYTES
        + 1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user-data is 16777217 bytes").hasMessageContaining("16 MiB");
    // The limit is on UTF-8 bytes, not characters.
    assertThatThrownBy(() -> NoCloudSeed.image("i", "h", "é".repeat(NoCloudSeed.MAX_FILE_BYTES
        / 2 + 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 MiB");
    assertThatThrownBy(() -> NoCloudSeed.builder().file("x",
        new byte[NoCloudSeed.MAX_FILE_BYTES + 1])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void totalSizeAndFileCountAreBounded() {
    NoCloudSeed.Builder big = NoCloudSeed.builder().metaData("i", "h").userData("");
    for (int i = 0; i < 3; i++) {
      big.file("part" + i, new byte[11 * 1024 * 1024]);
    }
    assertThatThrownBy(big::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 MiB");
    NoCloudSeed.Builder many = NoCloudSeed.builder().metaData("i", "h").userData("");
    for (int i = 0; i < NoCloudSeed.MAX_FILES - 1; i++) {
      many.file("f" + i, new byte[0]);
    }
    assertThatThrownBy(many::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 16 files");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "a b", "ü", "user-data;1", "a\\b", "a:b",
      "x12345678901234567890123456789012345678901234567890123456789012345"})
  void badFileNamesAreRejected(String name) {
    assertThatThrownBy(() -> NoCloudSeed.builder().file(name, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file name");
  }

  @Test
  void namesThatDifferOnlyInCaseAreRejected() {
    NoCloudSeed.Builder b = NoCloudSeed.builder().userData("");
    assertThatThrownBy(() -> b.file("User-Data", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only in case");
  }

  @Test
  void userDataAndMetaDataAreBothRequired() {
    assertThatThrownBy(() -> NoCloudSeed.builder().userData("x").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("meta-data");
    assertThatThrownBy(() -> NoCloudSeed.builder().metaData("i", "h").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("user-data");
  }

  @Test
  void badValuesAreRejectedClearly() {
    assertThatThrownBy(() -> NoCloudSeed.image("", "h", "")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("instance id");
    assertThatThrownBy(() -> NoCloudSeed.image(" \n", "h", "")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("instance id");
    assertThatThrownBy(() -> NoCloudSeed.image(null, "h", "")).isInstanceOf(
        NullPointerException.class);
    assertThatThrownBy(() -> NoCloudSeed.image("i", "h".repeat(1025), ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hostname");
    assertThatThrownBy(() -> NoCloudSeed.image("i", "h\ud800", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> NoCloudSeed.image("i", "h", "x\udc00"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user-data");
    assertThatThrownBy(() -> NoCloudSeed.builder().time(Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoCloudSeed.builder().time(Instant.parse("2156-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void levelOneNamesAreUniqueEightDotThree() {
    assertThat(IsoWriter.levelOneNames(List.of("user-data", "meta-data", "network-config",
        "vendor-data", ".x", "a.tar.gz", "user-data2", "user-data3")))
        .containsExactly("USER_DAT.;1", "META_DAT.;1", "NETWORK_.;1", "VENDOR_D.;1", "_.X;1",
            "A_TAR.GZ;1", "USER_DA1.;1", "USER_DA2.;1");
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }
}
