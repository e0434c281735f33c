package dev.hangar.driver;

import java.util.List;

/**
 * A named parameter of a remote command (remote_save_snapshot's {@code snapshot_name}, ...), as
 * the platform lists it in drivermetadata.xml and passes it to the Python driver. Dispatch, the
 * CLI's {@code --param}, the gRPC host's {@code parameters}, drivermetadata.xml and the Python
 * driver all read the same list on {@link Command#parameters()}.
 *
 * @param name the Python argument name ({@code snapshot_name})
 * @param displayName what the platform's form shows ({@code Snapshot Name})
 * @param description the form's help text
 * @param mandatory whether the platform asks for it before running the command
 * @param allowedValues the only values it takes (a Lookup: {@code Yes}, {@code No}); empty: any
 * @param defaultValue the value used when it is absent or empty; "" for none
 */
public record CommandParameter(String name, String displayName, String description,
    boolean mandatory, List<String> allowedValues, String defaultValue) {
  public CommandParameter {
    allowedValues = List.copyOf(allowedValues);
    defaultValue = defaultValue == null ? "" : defaultValue;
  }

  /** A free-text parameter. */
  static CommandParameter text(String name, String displayName, String description,
      boolean mandatory) {
    return new CommandParameter(name, displayName, description, mandatory, List.of(), "");
  }

  /** A Yes/No lookup with a default. */
  static CommandParameter yesNo(String name, String displayName, String description,
      String defaultValue) {
    return new CommandParameter(name, displayName, description, true, List.of("Yes", "No"),
        defaultValue);
  }

  /** The platform's parameter type: Lookup when the values are fixed, else String. */
  public String type() {
    return allowedValues.isEmpty() ? "String" : "Lookup";
  }
}
