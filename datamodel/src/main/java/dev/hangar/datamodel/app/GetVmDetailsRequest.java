package dev.hangar.datamodel.app;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.EmbeddedJsonDeserializer;
import java.util.List;

/**
 * The GetVmDetails request: {@code {"items":[{appRequestJson, deployedAppJson}]}}. Each document
 * may arrive as an object or as a string holding JSON; both read the same.
 */
public record GetVmDetailsRequest(List<Item> items) {
  public GetVmDetailsRequest {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /** One app to describe. */
  public record Item(
      @JsonDeserialize(using = EmbeddedJsonDeserializer.class) AppRequest appRequestJson,
      @JsonDeserialize(using = EmbeddedJsonDeserializer.class) DeployedApp deployedAppJson) {}
}
