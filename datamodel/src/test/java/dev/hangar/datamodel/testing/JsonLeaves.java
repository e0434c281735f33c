package dev.hangar.datamodel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON document as a set of {@code path=value} leaves, for "nothing lost" checks: null leaves
 * and empty containers carry nothing; scalars compare as text (a boolean {@code true} and the
 * string {@code "True"} are the same attribute value).
 */
public final class JsonLeaves {
  private JsonLeaves() {}

  public static Set<String> leaves(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, "", out, false);
    return out;
  }

  /**
   * Leaves of a driver request, without the {@code type} tags of nested objects: servers and
   * shells disagree on them, so they carry no meaning and Hangar does not keep them.
   */
  public static Set<String> requestLeaves(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, "", out, true);
    return out;
  }

  private static void collect(JsonNode node, String path, Set<String> out, boolean dropTags) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path + "/" + e.getKey();
        if (dropTags && e.getKey().equals("type") && !child.matches("/driverRequest/actions/\\d+/type")) {
          continue;
        }
        collect(e.getValue(), child, out, dropTags);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path + "/" + i, out, dropTags);
      }
    } else if (!node.isNull()) {
      String text = node.isBoolean() ? node.asText() : node.asText();
      out.add(path + "=" + (node.isBoolean() || text.equalsIgnoreCase("true")
          || text.equalsIgnoreCase("false") ? text.toLowerCase(Locale.ROOT) : text));
    }
  }
}
