package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.hangar.datamodel.internal.LenientStringMapDeserializer;
import dev.hangar.datamodel.request.Attributes;
import java.util.Map;

/**
 * A resource: the cloud provider resource in most commands, a deployed app in
 * {@code remote_endpoints}. Attribute names may carry the {@code "<model>."} namespace.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResourceContextDetails(
    String id,
    String name,
    String fullname,
    String type,
    String address,
    String model,
    String family,
    String description,
    @JsonDeserialize(using = LenientStringMapDeserializer.class) Map<String, String> attributes,
    AppContext appContext,
    String shellStandard,
    String shellStandardVersion) {

  public ResourceContextDetails {
    attributes = attributes == null ? Map.of() : attributes;
  }

  /** An attribute by plain or namespaced name, or null. */
  public String attribute(String name) {
    return Attributes.find(attributes, name);
  }
}
