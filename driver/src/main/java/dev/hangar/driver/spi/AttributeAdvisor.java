package dev.hangar.driver.spi;

import dev.hangar.options.DeploymentOption;
import java.util.List;
import java.util.Map;

/**
 * The blueprint designer's checks of a deployment path's attributes against the live cloud
 * (validate_attributes) and the values an attribute can take (get_attribute_hints). The driver
 * has already checked what needs no cloud (types, positive numbers, absolute paths).
 */
public interface AttributeAdvisor {
  /**
   * What is wrong with the attributes (plain names to values) on this cloud: one message per
   * problem, each naming its attribute ("Template Volume 'x' is not in pool 'default'"). Empty when
   * they deploy.
   */
  List<String> validate(DeploymentOption option, Map<String, String> attributes,
      CommandScope scope);

  /**
   * The values {@code attribute} (a plain name) can take on this cloud, sorted, given the other
   * attributes filled in so far; empty for an attribute this cloud has no list for.
   */
  List<String> hints(DeploymentOption option, String attribute, Map<String, String> attributes,
      CommandScope scope);
}
