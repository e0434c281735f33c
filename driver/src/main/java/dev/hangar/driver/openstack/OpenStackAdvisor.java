package dev.hangar.driver.openstack;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.ext.AvailabilityZone;
import org.openstack4j.model.image.v2.Image;

/**
 * validate_attributes and get_attribute_hints of {@code OpenStack Instance} against the live
 * cloud: the Image (name or id) exists once and is active, the Flavor exists (empty: the
 * provider's default, which must then be set), the Availability Zone (when set) is an available
 * zone. Hints: Image the active images' names (an image without a name by its id), Flavor the
 * flavors' names, Availability Zone the available zones; each sorted.
 */
final class OpenStackAdvisor implements AttributeAdvisor {
  private final OsSession s;

  OpenStackAdvisor(OsSession s) {
    this.s = s;
  }

  @Override
  public List<String> validate(DeploymentOption option, Map<String, String> attributes,
      CommandScope scope) {
    if (!DeploymentOptions.OPENSTACK_INSTANCE.name().equals(option.name())) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    Resolver names = new Resolver(s);
    String image = value(attributes, "Image");
    if (image.isEmpty()) {
      problems.add("Image is empty: set a Glance image name or id");
    } else {
      try {
        String id = names.image(image);
        Image found = s.call("read image " + id, () -> s.os().imagesV2().get(id));
        if (found != null && found.getStatus() != Image.ImageStatus.ACTIVE) {
          problems.add("Image '" + image + "' is " + found.getStatus() + ", not active: a"
              + " server cannot boot from it");
        }
      } catch (ClientException e) {
        problems.add(e.getMessage());
      }
    }
    String flavor = value(attributes, "Flavor");
    if (flavor.isEmpty() && s.settings().flavor().isEmpty()) {
      problems.add("Flavor is empty and cloud provider '" + s.settings().providerName()
          + "' has no default Flavor: set one");
    } else {
      try {
        names.flavor(flavor.isEmpty() ? s.settings().flavor() : flavor);
      } catch (ClientException e) {
        problems.add(e.getMessage() + (flavor.isEmpty() ? " (the provider's default)" : ""));
      }
    }
    String zone = value(attributes, "Availability Zone");
    if (!zone.isEmpty()) {
      List<String> zones = zones();
      if (!zones.contains(zone)) {
        problems.add("Availability Zone '" + zone + "' is not an available zone of this"
            + " OpenStack; zones: " + (zones.isEmpty() ? "none" : String.join(", ", zones)));
      }
    }
    return problems;
  }

  @Override
  public List<String> hints(DeploymentOption option, String attribute,
      Map<String, String> attributes, CommandScope scope) {
    if (!DeploymentOptions.OPENSTACK_INSTANCE.name().equals(option.name())) {
      return List.of();
    }
    return switch (attribute) {
      case "Image" -> s.call("list images", () -> s.os().imagesV2().list(Map.of("status",
          "active", "limit", "1000"))).stream()
          .map(i -> i.getName() == null || i.getName().isBlank() ? i.getId() : i.getName())
          .distinct().sorted().toList();
      case "Flavor" -> s.call("list flavors", () -> s.os().compute().flavors().list()).stream()
          .filter(f -> !Boolean.TRUE.equals(f.isDisabled()))
          .map(Flavor::getName).filter(Objects::nonNull).distinct().sorted().toList();
      case "Availability Zone" -> zones();
      default -> List.of();
    };
  }

  private List<String> zones() {
    return s.call("list availability zones", () -> s.os().compute().zones().list(false))
        .stream().filter(z -> z.getZoneState() != null && z.getZoneState().getAvailable())
        .map(AvailabilityZone::getZoneName).filter(Objects::nonNull).distinct().sorted()
        .toList();
  }

  private static String value(Map<String, String> attributes, String name) {
    String v = attributes.get(name);
    return v == null ? "" : v.strip();
  }
}
