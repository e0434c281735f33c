package dev.hangar.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Reading the package back in tests. */
final class PackFiles {
  private PackFiles() {}

  /** The entries of a zip, in order. */
  static Map<String, byte[]> entries(byte[] zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  static JsonNode yaml(byte[] bytes) throws IOException {
    return ToscaYaml.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
  }
}
