package dev.hangar.driver.spi;

import dev.hangar.datamodel.context.ResourceContextDetails;
import dev.hangar.datamodel.request.Attributes;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.driver.ClientException;
import dev.hangar.options.ProviderModel;
import java.util.List;
import java.util.Map;

/**
 * The cloud provider resource of a command. Attribute names arrive plain or as
 * {@code "Hangar Cloud Provider.<attr>"}; both read the same.
 */
public record ProviderResource(String name, String model, Map<String, String> rawAttributes) {
  public ProviderResource {
    rawAttributes = Map.copyOf(rawAttributes);
  }

  public static ProviderResource of(ResourceContextDetails resource) {
    return new ProviderResource(resource.name(), resource.model(), resource.attributes());
  }

  /** The raw value of an attribute (null when absent). */
  public String raw(String attributeName) {
    return Attributes.find(rawAttributes, attributeName);
  }

  /** Typed values of the provider model's attributes plus a backend's own. */
  public AttributeValues values(List<AttributeSpec> backendAttributes) {
    List<AttributeSpec> all = new java.util.ArrayList<>(ProviderModel.attributes());
    all.addAll(backendAttributes);
    return new AttributeValues("cloud provider '" + name + "'", all, this::raw);
  }

  /** {@code Cloud Type}, validated against the known ones. */
  public String cloudType() {
    return checked(ProviderModel.CLOUD_TYPE);
  }

  /** {@code Networking type}: L2 or L3. */
  public String networkingType() {
    return checked(ProviderModel.NETWORKING_TYPE);
  }

  private String checked(AttributeSpec spec) {
    try {
      return values(List.of()).string(spec);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
  }
}
