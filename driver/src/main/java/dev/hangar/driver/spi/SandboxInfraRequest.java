package dev.hangar.driver.spi;

import dev.hangar.datamodel.request.CreateKeys;
import dev.hangar.datamodel.request.PrepareCloudInfra;
import dev.hangar.datamodel.request.PrepareSubnet;
import java.util.List;

/** The validated actions of a PrepareSandboxInfra request; {@code createKeys} may be null. */
public record SandboxInfraRequest(
    PrepareCloudInfra network, CreateKeys createKeys, List<PrepareSubnet> subnets) {
  public SandboxInfraRequest {
    subnets = List.copyOf(subnets);
  }
}
