package dev.hangar.driver.spi;

import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.DeployAppResult;
import java.util.List;

/** The DeployApp result and one ConnectToSubnet result per connectSubnet action. */
public record DeployOutcome(DeployAppResult deployed, List<ConnectToSubnetResult> subnets) {
  public DeployOutcome {
    subnets = List.copyOf(subnets);
  }
}
