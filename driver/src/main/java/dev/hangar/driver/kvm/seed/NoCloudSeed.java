package dev.hangar.driver.kvm.seed;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A cloud-init NoCloud seed: a CD-ROM image (ISO 9660 with Joliet names, volume label
 * {@code cidata}) holding {@code user-data}, {@code meta-data} and optionally
 * {@code network-config} / {@code vendor-data}, as {@code cloud-localds} or
 * {@code genisoimage -J -r -V cidata} make it. cloud-init finds the disk by its label and reads
 * the files by those exact names.
 *
 * <p>The image is a pure function of its input: timestamps are {@link #DEFAULT_TIME} unless a
 * builder is given another, so the same VM gets a byte-identical seed.
 */
public final class NoCloudSeed {
  /** The volume label cloud-init's NoCloud datasource looks for. */
  public static final String VOLUME_ID = "cidata";
  public static final String USER_DATA = "user-data";
  public static final String META_DATA = "meta-data";
  public static final String NETWORK_CONFIG = "network-config";
  public static final String VENDOR_DATA = "vendor-data";
  /** The largest file: 16 MiB (cloud-init itself rejects far smaller user data on most clouds). */
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
  /** The largest sum of all file sizes: 32 MiB. */
  public static final int MAX_TOTAL_BYTES = 32 * 1024 * 1024;
  public static final int MAX_FILES = 16;
  /** The longest instance id or hostname, in characters. */
  public static final int MAX_VALUE_CHARS = 1024;
  /** Timestamps of every image not given a time: the Unix epoch, as reproducible builds do. */
  public static final Instant DEFAULT_TIME = Instant.EPOCH;

  private static final Instant LAST_TIME = Instant.parse("2155-12-31T23:59:59Z"); // 1900 + 255
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private NoCloudSeed() {}

  /**
   * The seed image for one VM: {@code meta-data} from {@link #metaData} and {@code user-data} as
   * UTF-8 (it may be empty).
   *
   * @throws IllegalArgumentException if a value is blank or too long, not valid UTF-16, or the
   *     user data exceeds {@link #MAX_FILE_BYTES}
   */
  public static byte[] image(String instanceId, String hostname, String userData) {
    return builder().metaData(instanceId, hostname).userData(userData).build();
  }

  /**
   * The {@code meta-data} document: {@code instance-id} and, when {@code hostname} is neither
   * null nor empty, {@code local-hostname}, each a double-quoted YAML scalar with escapes, so
   * that any characters ({@code : # " ' \n {} ...}) come back as the same string.
   *
   * @throws IllegalArgumentException if the instance id is blank, a value is longer than
   *     {@link #MAX_VALUE_CHARS} or holds an unpaired surrogate
   */
  public static String metaData(String instanceId, String hostname) {
    Objects.requireNonNull(instanceId, "instanceId");
    if (instanceId.isBlank()) {
      throw new IllegalArgumentException("the instance id of a NoCloud seed must not be blank");
    }
    StringBuilder yaml = new StringBuilder("instance-id: ").append(value("instance id", instanceId))
        .append('\n');
    if (hostname != null && !hostname.isEmpty()) {
      yaml.append("local-hostname: ").append(value("hostname", hostname)).append('\n');
    }
    return yaml.toString();
  }

  private static String value(String what, String v) {
    if (v.length() > MAX_VALUE_CHARS) {
      throw new IllegalArgumentException("the " + what + " of a NoCloud seed is " + v.length()
          + " characters long; at most " + MAX_VALUE_CHARS + " are allowed");
    }
    try {
      return YamlScalar.quote(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + " is not valid text: " + e.getMessage(),
          e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Files of a seed by name; {@link #build()} needs at least user-data and meta-data. */
  public static final class Builder {
    private final Map<String, byte[]> files = new TreeMap<>();
    private Instant time = DEFAULT_TIME;

    private Builder() {}

    /**
     * Adds (or replaces) a file of the root directory.
     *
     * @param name 1–64 characters of {@code [A-Za-z0-9_.-]}, not "." or ".."
     * @throws IllegalArgumentException for another name, one that differs from an added one only
     *     in case, or content over {@link #MAX_FILE_BYTES}
     */
    public Builder file(String name, byte[] content) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(content, "content of " + name);
      if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException("a NoCloud seed file name must be 1-64 characters of "
            + "A-Z a-z 0-9 _ . - (not . or ..); got \"" + name + "\"");
      }
      for (String other : files.keySet()) {
        if (!other.equals(name) && other.toLowerCase(Locale.ROOT)
            .equals(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("seed file names \"" + other + "\" and \"" + name
              + "\" differ only in case");
        }
      }
      if (content.length > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(name + " is " + content.length + " bytes; a NoCloud "
            + "seed file may hold at most " + MAX_FILE_BYTES + " bytes (16 MiB)");
      }
      files.put(name, content.clone());
      return this;
    }

    /** Adds every file of the map, as {@link #file} does. */
    public Builder files(Map<String, byte[]> named) {
      named.forEach(this::file);
      return this;
    }

    /** {@code user-data} as UTF-8 (e.g. "#cloud-config\n..." or a script). */
    public Builder userData(String text) {
      return file(USER_DATA, utf8(USER_DATA, text));
    }

    /** {@code meta-data} from {@link NoCloudSeed#metaData}. */
    public Builder metaData(String instanceId, String hostname) {
      return file(META_DATA, utf8(META_DATA, NoCloudSeed.metaData(instanceId, hostname)));
    }

    /** {@code network-config} (network config version 1 or 2 YAML) as UTF-8. */
    public Builder networkConfig(String yaml) {
      return file(NETWORK_CONFIG, utf8(NETWORK_CONFIG, yaml));
    }

    /**
     * The time recorded for the volume and every file, truncated to whole seconds.
     *
     * @throws IllegalArgumentException outside 1970-01-01 .. 2155-12-31 (ISO 9660 directory
     *     records count years from 1900 in one byte)
     */
    public Builder time(Instant when) {
      Objects.requireNonNull(when, "time");
      if (when.isBefore(Instant.EPOCH) || when.isAfter(LAST_TIME)) {
        throw new IllegalArgumentException("a seed image time must lie in 1970..2155; got " + when);
      }
      time = when.truncatedTo(ChronoUnit.SECONDS);
      return this;
    }

    /**
     * The image.
     *
     * @throws IllegalStateException if user-data or meta-data is missing (cloud-init ignores a
     *     NoCloud seed without both)
     * @throws IllegalArgumentException over {@link #MAX_FILES} files or {@link #MAX_TOTAL_BYTES}
     */
    public byte[] build() {
      for (String required : new String[] {USER_DATA, META_DATA}) {
        if (!files.containsKey(required)) {
          throw new IllegalStateException("a NoCloud seed needs a " + required + " file");
        }
      }
      if (files.size() > MAX_FILES) {
        throw new IllegalArgumentException("a NoCloud seed holds at most " + MAX_FILES
            + " files; got " + files.size() + ": " + files.keySet());
      }
      long total = files.values().stream().mapToLong(b -> b.length).sum();
      if (total > MAX_TOTAL_BYTES) {
        throw new IllegalArgumentException("the files of a NoCloud seed add up to " + total
            + " bytes; at most " + MAX_TOTAL_BYTES + " (32 MiB) are allowed");
      }
      return IsoWriter.write(VOLUME_ID, files, time);
    }

    private static byte[] utf8(String name, String text) {
      Objects.requireNonNull(text, name);
      // Report, never replace: a lone surrogate would otherwise become '?' without a word.
      try {
        ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
        return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(),
            b.arrayOffset() + b.limit());
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(name + " is not valid UTF-16 text (an unpaired "
            + "surrogate?): " + e.getMessage(), e);
      }
    }
  }
}
