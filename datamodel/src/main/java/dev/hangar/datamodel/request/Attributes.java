package dev.hangar.datamodel.request;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds attribute values by name. Names may arrive namespaced ({@code "<model>.Image ID"} or
 * {@code "<provider>.<path>.Image ID"}); a plain name matches them too. An exact match wins over a
 * namespaced one.
 */
public final class Attributes {
  private Attributes() {}

  /** The value of {@code name} in a request attribute list, or null. */
  public static String find(List<Attribute> attributes, String name) {
    return find(attributes, Attribute::name, Attribute::value, name);
  }

  /** The value of {@code wanted} in any list of name/value items, or null. */
  public static <T> String find(List<T> items, Function<T, String> nameOf,
      Function<T, String> valueOf, String wanted) {
    if (items == null) {
      return null;
    }
    String namespaced = null;
    for (T item : items) {
      String n = item == null ? null : nameOf.apply(item);
      if (n == null) {
        continue;
      }
      if (n.equals(wanted)) {
        return valueOf.apply(item);
      }
      if (namespaced == null && matchesNamespaced(n, wanted)) {
        namespaced = valueOf.apply(item);
      }
    }
    return namespaced;
  }

  /** The value of {@code name} in a context attribute map, or null. */
  public static String find(Map<String, String> attributes, String name) {
    if (attributes == null) {
      return null;
    }
    String exact = attributes.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      if (matchesNamespaced(e.getKey(), name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** True when {@code actual} is {@code name} behind one or more {@code "<model>."} prefixes. */
  public static boolean matchesNamespaced(String actual, String name) {
    return actual.length() > name.length() + 1
        && actual.endsWith(name)
        && actual.charAt(actual.length() - name.length() - 1) == '.';
  }
}
