package dev.hangar.driver.kvm.seed;

/**
 * YAML double-quoted scalars (YAML 1.2 §7.3.1, also valid YAML 1.1 as PyYAML reads it). Inside
 * double quotes only {@code \} and {@code "} are special, and escapes make every other character
 * literal data; so a user's value such as {@code x: y # z} or {@code "a"\n{b: c}} stays one string
 * and can never add a key. Line breaks and every character outside YAML's printable set are
 * escaped (a raw line break would be folded into a space), so the scalar is always one line.
 */
final class YamlScalar {
  private YamlScalar() {}

  /**
   * The value as a double-quoted scalar.
   *
   * @throws IllegalArgumentException if it holds an unpaired UTF-16 surrogate (not a character)
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
        throw new IllegalArgumentException("unpaired UTF-16 surrogate at index " + i);
      }
      i += Character.charCount(c);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case 0 -> out.append("\\0");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case 0x85 -> out.append("\\N"); // next line: a YAML 1.1 line break
        case 0x2028 -> out.append("\\L"); // line separator: a YAML 1.1 line break
        case 0x2029 -> out.append("\\P"); // paragraph separator: a YAML 1.1 line break
        default -> {
          if (printable(c)) {
            out.appendCodePoint(c);
          } else if (c <= 0xFF) {
            out.append(String.format("\\x%02X", c));
          } else if (c <= 0xFFFF) {
            out.append(String.format("\\u%04X", c));
          } else {
            out.append(String.format("\\U%08X", c));
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * YAML's printable set (1.2 §5.1) less the byte order mark, which some readers strip wherever
   * it appears; everything else is escaped.
   */
  private static boolean printable(int c) {
    return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
