package dev.hangar.driver.internal;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandParameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a remote command's named parameters against {@link Command#parameters()}: every name
 * known, every mandatory one given (or defaulted), every lookup one of its allowed values.
 */
public final class Parameters {
  private Parameters() {}

  /**
   * The parameters in the command's order, defaults applied, lookups in their canonical spelling
   * ({@code yes} reads {@code Yes}); an absent optional parameter is "".
   *
   * @throws ClientException naming the command and the parameter
   */
  public static Map<String, String> resolve(Command command, Map<String, String> given) {
    Map<String, String> raw = given == null ? Map.of() : given;
    String name = command.standardName();
    List<CommandParameter> params = command.parameters();
    TreeSet<String> unknown = new TreeSet<>(raw.keySet());
    params.forEach(p -> unknown.remove(p.name()));
    if (!unknown.isEmpty()) {
      throw new ClientException(name + (params.isEmpty() ? " takes no parameters" : " has no"
          + " parameter " + quoted(unknown) + "; its parameters: " + String.join(", ",
          params.stream().map(CommandParameter::name).toList())) + (params.isEmpty()
          ? "; got " + quoted(unknown) : ""));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (CommandParameter p : params) {
      String v = raw.get(p.name());
      v = v == null || v.isBlank() ? p.defaultValue() : v.strip();
      if (v.isEmpty() && p.mandatory()) {
        throw new ClientException(name + " needs the parameter " + p.name() + " ("
            + p.displayName() + ")");
      }
      if (!v.isEmpty() && !p.allowedValues().isEmpty()) {
        v = allowed(name, p, v);
      }
      out.put(p.name(), v);
    }
    return out;
  }

  private static String allowed(String command, CommandParameter p, String v) {
    for (String a : p.allowedValues()) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
    throw new ClientException(command + ": " + p.name() + " must be "
        + String.join(" or ", p.allowedValues()) + ", not '" + shown + "'");
  }

  private static String quoted(java.util.Collection<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }
}
