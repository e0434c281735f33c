package dev.hangar.pack;

import dev.hangar.driver.CommandParameter;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeType;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.ProviderModel;
import dev.hangar.options.StandardAttributes;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The README's attribute tables, generated from the descriptors between marker comments, so the
 * admin's and the blueprint designer's reference cannot drift from the package.
 */
public final class ReadmeTables {
  public static final String PROVIDER = "provider-attributes";
  public static final String PATHS = "deployment-paths";
  public static final String COMMANDS = "commands";

  private ReadmeTables() {}

  /** The marker line that opens a generated block. */
  public static String begin(String block) {
    return "<!-- BEGIN GENERATED " + block + ": bin/hangar pack --update-sources -->";
  }

  public static String end(String block) {
    return "<!-- END GENERATED " + block + " -->";
  }

  /** The admin's table: every provider attribute. */
  public static String providerAttributes() {
    StringBuilder md = header();
    for (AttributeSpec a : ProviderModel.attributes()) {
      String meaning = a.description() + PlatformAttributes.reason(a.name())
          .map(r -> " *Not read by the driver: " + r + ".*").orElse("");
      row(md, a, meaning);
    }
    return md.toString();
  }

  /** The blueprint designer's reference: each path's own attributes, then the shared ones. */
  public static String deploymentPaths() {
    StringBuilder md = new StringBuilder();
    for (DeploymentOption o : DeploymentPathYaml.options()) {
      md.append("#### ").append(o.name()).append("\n\n")
          .append("`").append(ProviderModel.NAME).append('.').append(o.name())
          .append("`, Cloud Type `").append(o.cloudType()).append("`. ")
          .append(cell(o.description())).append("\n\n");
      StringBuilder table = header();
      for (AttributeSpec a : o.attributes()) {
        if (!StandardAttributes.ALL.contains(a)) {
          String note = DeploymentPathYaml.APP_TEMPLATE_ONLY.contains(a.name())
              ? " *Set in the app template only.*" : "";
          row(table, a, a.description() + note);
        }
      }
      md.append(table).append('\n');
    }
    md.append("#### Attributes of every path\n\n");
    StringBuilder table = header();
    for (AttributeSpec a : StandardAttributes.ALL) {
      row(table, a, a.description());
    }
    return md.append(table).toString();
  }

  /** The command list as drivermetadata.xml gives it to the platform. */
  public static String commands() {
    StringBuilder md = new StringBuilder("| command | shown as | category | tags | cancellable"
        + " | parameters |\n|---|---|---|---|---|---|\n");
    for (List<DriverMetadata.Entry> entries : DriverMetadata.layout().values()) {
      for (DriverMetadata.Entry e : entries) {
        md.append("| `").append(e.command().standardName()).append("` | ")
            .append(cell(e.displayName())).append(" | ").append(cell(e.category()))
            .append(" | `").append(e.tags()).append("` | ")
            .append(e.cancellable() ? "yes" : "").append(" | ")
            .append(parameters(e.command().parameters())).append(" |\n");
      }
    }
    return md.toString();
  }

  /** {@code `snapshot_name`, `save_memory` (Yes, No; default No)}; optional ones marked. */
  private static String parameters(List<CommandParameter> params) {
    return params.stream().map(p -> {
      List<String> notes = new java.util.ArrayList<>();
      if (!p.allowedValues().isEmpty()) {
        notes.add(String.join(", ", p.allowedValues()));
      }
      if (!p.defaultValue().isEmpty()) {
        notes.add("default " + p.defaultValue());
      }
      if (!p.mandatory()) {
        notes.add("optional");
      }
      return "`" + p.name() + "`" + (notes.isEmpty() ? "" : " (" + String.join("; ", notes)
          + ")");
    }).collect(Collectors.joining(", "));
  }

  /** {@code readme} with each generated block replaced by its current text. */
  public static String apply(String readme) {
    String out = replace(readme, PROVIDER, providerAttributes());
    out = replace(out, PATHS, deploymentPaths());
    return replace(out, COMMANDS, commands());
  }

  private static String replace(String readme, String block, String body) {
    int from = readme.indexOf(begin(block));
    int to = readme.indexOf(end(block));
    if (from < 0 || to < from) {
      throw new IllegalStateException("README.md has no '" + begin(block) + "' ... '"
          + end(block) + "' block");
    }
    return readme.substring(0, from + begin(block).length()) + "\n" + body
        + readme.substring(to);
  }

  private static StringBuilder header() {
    return new StringBuilder("| attribute | type | default | allowed values | meaning |\n"
        + "|---|---|---|---|---|\n");
  }

  private static void row(StringBuilder md, AttributeSpec a, String meaning) {
    md.append("| ").append(cell(a.name()))
        .append(" | ").append(type(a.type()))
        .append(" | ").append(a.defaultValue().isEmpty() ? "" : code(a.defaultValue()))
        .append(" | ").append(allowed(a.allowedValues()))
        .append(" | ").append(cell(meaning)).append(" |\n");
  }

  private static String type(AttributeType t) {
    return switch (t) {
      case STRING -> "string";
      case NUMERIC -> "integer";
      case BOOLEAN -> "boolean";
      case PASSWORD -> "password";
    };
  }

  private static String allowed(List<String> values) {
    return values.stream().map(ReadmeTables::code).collect(Collectors.joining(", "));
  }

  private static String code(String s) {
    return "`" + cell(s).replace("`", "'") + "`";
  }

  /** Table-safe: no line breaks, pipes escaped. */
  private static String cell(String s) {
    return s.replace("\r", " ").replace("\n", " ").replace("|", "\\|");
  }
}
