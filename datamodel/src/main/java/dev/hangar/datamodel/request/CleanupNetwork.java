package dev.hangar.datamodel.request;

import java.util.List;

/** {@code cleanupNetwork}: delete everything PrepareSandboxInfra made for the sandbox. */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record CleanupNetwork(
    String actionId, ActionTarget actionTarget, List<Attribute> customActionAttributes)
    implements Action {
  public static final String TYPE = "cleanupNetwork";

  @Override
  public String type() {
    return TYPE;
  }
}
