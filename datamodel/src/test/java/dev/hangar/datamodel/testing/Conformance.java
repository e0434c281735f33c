package dev.hangar.datamodel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The conformance corpus: real requests captured from existing shells (see its README and
 * MANIFEST.json). Shared with other modules' tests through the datamodel test-jar.
 */
public final class Conformance {
  private Conformance() {}

  /** A corpus file's text. */
  public static String read(String fileName) {
    try (InputStream in = Conformance.class.getResourceAsStream("/conformance/" + fileName)) {
      if (in == null) {
        throw new IllegalArgumentException("no conformance file " + fileName);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The corpus's JSON files (not README.md or MANIFEST.json), when it is on the file system. */
  public static List<String> files() {
    URL url = Conformance.class.getResource("/conformance/MANIFEST.json");
    try (Stream<Path> s = Files.list(Path.of(url.toURI()).getParent())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.equals("MANIFEST.json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
