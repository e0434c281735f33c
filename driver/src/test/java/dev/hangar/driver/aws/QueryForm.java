package dev.hangar.driver.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An EC2 Query API request body ({@code Action=RunInstances&Version=2016-11-15&...}) with the
 * protocol's flattened lists ({@code InstanceId.1}, {@code Filter.1.Value.2},
 * {@code TagSpecification.1.Tag.1.Key}) read back into lists and structures.
 */
record QueryForm(Map<String, String> params) {
  static QueryForm parse(String body) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      p.put(k, v);
    }
    return new QueryForm(p);
  }

  String action() {
    return get("Action");
  }

  String get(String name) {
    return params.get(name);
  }

  String get(String name, String dflt) {
    return params.getOrDefault(name, dflt);
  }

  /** {@code prefix.1}, {@code prefix.2}, ... in index order. */
  List<String> list(String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    params.forEach((k, v) -> {
      if (k.startsWith(prefix + ".") && k.substring(prefix.length() + 1).matches("\\d+")) {
        byIndex.put(Integer.parseInt(k.substring(prefix.length() + 1)), v);
      }
    });
    return new ArrayList<>(byIndex.values());
  }

  /** {@code prefix.N.rest} grouped by N, each a form of its own {@code rest} keys. */
  List<QueryForm> structs(String prefix) {
    TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
    params.forEach((k, v) -> {
      if (!k.startsWith(prefix + ".")) {
        return;
      }
      String rest = k.substring(prefix.length() + 1);
      int dot = rest.indexOf('.');
      if (dot <= 0 || !rest.substring(0, dot).matches("\\d+")) {
        return;
      }
      byIndex.computeIfAbsent(Integer.parseInt(rest.substring(0, dot)),
          i -> new LinkedHashMap<>()).put(rest.substring(dot + 1), v);
    });
    return byIndex.values().stream().map(QueryForm::new).toList();
  }

  /** Filters as name → accepted values. */
  Map<String, List<String>> filters() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (QueryForm f : structs("Filter")) {
      out.put(f.get("Name"), f.list("Value"));
    }
    return out;
  }

  /** The tags of the TagSpecification for {@code resourceType}. */
  Map<String, String> tags(String resourceType) {
    Map<String, String> out = new LinkedHashMap<>();
    for (QueryForm spec : structs("TagSpecification")) {
      if (resourceType.equals(spec.get("ResourceType"))) {
        for (QueryForm t : spec.structs("Tag")) {
          out.put(t.get("Key"), t.get("Value", ""));
        }
      }
    }
    return out;
  }
}
