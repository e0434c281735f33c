package dev.hangar.datamodel.result;

/** A {@code {key, value, hidden}} VM detail; hidden ones are for drivers, not for the UI. */
public record VmDetailsProperty(String key, String value, boolean hidden) {
  public static VmDetailsProperty shown(String key, String value) {
    return new VmDetailsProperty(key, value, false);
  }

  public static VmDetailsProperty hidden(String key, String value) {
    return new VmDetailsProperty(key, value, true);
  }
}
