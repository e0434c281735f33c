package dev.hangar.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${name}} and {@code ${name:-default}} substitution in the string values of a JSON tree
 * (embedded JSON strings included, since they are string values too).
 */
public final class Variables {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)(?::-([^}]*))?}");

  private Variables() {}

  /** The substituted tree and the variables that had no value and no default. */
  public record Substituted(JsonNode node, Set<String> unresolved) {}

  public static Substituted substitute(JsonNode node, Map<String, String> vars, ObjectMapper mapper) {
    Set<String> unresolved = new TreeSet<>();
    if (node == null) {
      return new Substituted(null, unresolved);
    }
    return new Substituted(walk(node.deepCopy(), vars, unresolved), unresolved);
  }

  private static JsonNode walk(JsonNode node, Map<String, String> vars, Set<String> unresolved) {
    if (node.isTextual()) {
      return new TextNode(replace(node.asText(), vars, unresolved));
    }
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(walk(e.getValue(), vars, unresolved));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, walk(a.get(i), vars, unresolved));
      }
    }
    return node;
  }

  private static String replace(String text, Map<String, String> vars, Set<String> unresolved) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      if (v == null) {
        v = m.group(2);
      }
      if (v == null) {
        unresolved.add("${" + m.group(1) + "}");
        v = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
