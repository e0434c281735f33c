package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.options.AttributeSpec;
import dev.hangar.options.ProviderModel;
import dev.hangar.testing.Samples;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the driver reads from the provider resource against what the package declares, found
 * mechanically in the driver's sources: a read is a reference to a {@link ProviderModel}
 * attribute constant, or a literal name given to {@code ProviderResource.raw("...")}.
 * A new constant in ProviderModel that a backend reads needs nothing more here.
 */
class ProviderAttributeUsageTest {
  private static final Pattern CONSTANT = Pattern.compile("\\bProviderModel\\.([A-Z][A-Z0-9_]*)\\b");
  private static final Pattern LITERAL_READ = Pattern.compile(
      "\\.raw\\(\\s*\"([^\"]+)\"\\s*\\)");

  /** Constant name → attribute, for every AttributeSpec constant of ProviderModel. */
  private static final Map<String, AttributeSpec> CONSTANTS = new HashMap<>();
  /** Attribute name → the sources that read it. */
  private static final Map<String, Set<String>> READS = new TreeMap<>();
  private static final List<String> UNDECLARED = new ArrayList<>();

  @BeforeAll
  static void scan() throws Exception {
    for (Field f : ProviderModel.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == AttributeSpec.class) {
        CONSTANTS.put(f.getName(), (AttributeSpec) f.get(null));
      }
    }
    Path main = Samples.home().resolve("driver/src/main/java");
    Path pack = main.resolve("dev/hangar/pack");
    List<Path> sources;
    try (Stream<Path> files = Files.walk(main)) {
      // The package generators list every attribute; that is not the driver reading them.
      sources = files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(pack))
          .toList();
    }
    assertThat(sources).hasSizeGreaterThan(50);
    for (Path p : sources) {
      String text = Files.readString(p);
      String where = main.relativize(p).toString();
      Matcher m = CONSTANT.matcher(text);
      while (m.find()) {
        AttributeSpec spec = CONSTANTS.get(m.group(1));
        if (spec != null) {
          READS.computeIfAbsent(spec.name(), k -> new TreeSet<>()).add(where);
        }
      }
      Matcher lit = LITERAL_READ.matcher(text);
      while (lit.find()) {
        String name = lit.group(1);
        if (ProviderModel.attribute(name).isPresent()) {
          READS.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
        } else {
          UNDECLARED.add(where + ": " + name);
        }
      }
    }
  }

  @Test
  void everyAttributeConstantIsInTheModelsListAndBack() {
    assertThat(CONSTANTS.values()).containsExactlyInAnyOrderElementsOf(ProviderModel.attributes());
  }

  @Test
  void theDriverReadsOnlyDeclaredAttributes() {
    assertThat(READS).as("the scan found the KVM reads").containsKeys("Hypervisors",
        "OVSDB Remote", "SSH Private Key", "Cloud Type");
    assertThat(UNDECLARED).as("provider attributes read by a literal name that ProviderModel"
        + " does not declare").isEmpty();
  }

  @Test
  void everyDeclaredAttributeIsReadOrDocumentedAsPlatformOnly() {
    List<String> unread = new ArrayList<>();
    List<String> readButListed = new ArrayList<>();
    for (AttributeSpec a : ProviderModel.attributes()) {
      boolean read = READS.containsKey(a.name());
      boolean platform = PlatformAttributes.reason(a.name()).isPresent();
      if (!read && !platform) {
        unread.add(a.name());
      }
      if (read && platform) {
        readButListed.add(a.name() + " (read in " + READS.get(a.name()) + ")");
      }
    }
    assertThat(unread).as("declared but never read: read them, or list them in"
        + " PlatformAttributes with the reason").isEmpty();
    assertThat(readButListed).as("listed in PlatformAttributes but the driver reads them:"
        + " remove them from the list").isEmpty();
    assertThat(PlatformAttributes.names()).as("PlatformAttributes names undeclared attributes")
        .allMatch(n -> ProviderModel.attribute(n).isPresent());
  }

  @Test
  void theScanSeesLiteralReads() {
    Matcher m = LITERAL_READ.matcher("provider.raw(\"Some Attr\") + p.raw( \"Other\" )"
        + " + values.raw(spec)");
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    assertThat(found).containsExactly("Some Attr", "Other");
  }
}
