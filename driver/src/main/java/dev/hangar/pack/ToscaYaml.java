package dev.hangar.pack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeType;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * TOSCA yaml as the shell package writes and reads it. Documents are built as trees and written by
 * the YAML emitter, so a quote or colon in a description or attribute name is escaped by it.
 */
public final class ToscaYaml {
  public static final String TOSCA_VERSION = "tosca_simple_yaml_1_0";
  /** The standard every CloudShell cloud provider shell imports. */
  public static final String STANDARD_IMPORT = "cloudshell_cloud_provider_standard_1_0_0.yaml";
  static final String FILE_ARTIFACT = "tosca.artifacts.File";

  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // One line per description keeps diffs of the committed shell-definition.yaml readable.
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build();

  private ToscaYaml() {}

  /** The mapper, for readers of the package (tests, tools). */
  public static YAMLMapper mapper() {
    return MAPPER;
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The document header every shell yaml starts with. */
  static ObjectNode document(String templateName, String description) {
    ObjectNode doc = object();
    doc.put("tosca_definitions_version", TOSCA_VERSION);
    ObjectNode meta = doc.putObject("metadata");
    meta.put("template_name", templateName);
    meta.put("template_author", ShellFiles.AUTHOR);
    meta.put("template_version", ShellFiles.VERSION);
    meta.put("template_icon", ShellFiles.ICON);
    doc.put("description", description);
    doc.putArray("imports").addObject().put("cloudshell_standard", STANDARD_IMPORT);
    return doc;
  }

  /** A property declaration: type, default, description, allowed values and tags. */
  static ObjectNode property(AttributeSpec spec, List<String> tags) {
    ObjectNode p = object();
    p.put("type", spec.type().tosca());
    p.set("default", defaultValue(spec));
    p.put("description", spec.description());
    // A boolean's True/False are its type, not a constraint the platform needs to be told.
    if (!spec.allowedValues().isEmpty() && spec.type() != AttributeType.BOOLEAN) {
      ArrayNode values = p.putArray("constraints").addObject().putArray("valid_values");
      spec.allowedValues().forEach(values::add);
    }
    if (tags != null) {
      ArrayNode t = p.putArray("tags");
      tags.forEach(t::add);
    }
    return p;
  }

  /** The default as a typed scalar: a boolean or integer where the type says so. */
  static JsonNode defaultValue(AttributeSpec spec) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    String d = spec.defaultValue();
    return switch (spec.type()) {
      case BOOLEAN -> f.booleanNode(Boolean.parseBoolean(d));
      case NUMERIC -> d.isBlank() ? f.textNode("") : f.numberNode(Long.parseLong(d.strip()));
      case STRING, PASSWORD -> f.textNode(d);
    };
  }

  /**
   * A yaml default read back as the descriptor's string form: {@code True}/{@code False} for
   * booleans (as AttributeSpec.bool writes them), digits for numbers, text as it is.
   */
  public static String defaultAsDescriptorString(JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "True" : "False";
    }
    return node.asText();
  }

  /** The tree as yaml, with a blank line between top-level sections. */
  static String write(ObjectNode doc) {
    String yaml;
    try {
      yaml = MAPPER.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (String line : yaml.split("\n", -1)) {
      // Only unindented keys start a section; every nested line is indented by the emitter.
      if (!first && !line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        out.append('\n');
      }
      first = false;
      out.append(line).append('\n');
    }
    return out.toString().stripTrailing() + "\n";
  }
}
