package dev.hangar.driver.spi;

import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.DeploymentOption;
import java.util.List;

/**
 * One deployApp with its connectSubnet actions, its deployment option and typed access to the
 * option's attribute values.
 */
public record DeployRequest(
    DeployApp action,
    List<ConnectSubnet> subnets,
    DeploymentOption option,
    AttributeValues attributes) {
  public DeployRequest {
    subnets = List.copyOf(subnets);
  }
}
