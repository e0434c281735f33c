package dev.hangar.driver.spi;

import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.SecurityGroupResult;
import java.util.List;

/** Sandbox networks of L3 clouds. */
public interface L3Fabric {
  /**
   * Creates (or finds, when run again) the sandbox network, keys and subnets. Returns one result
   * per action of the request.
   */
  List<ActionResult> prepare(SandboxInfraRequest request, CommandScope scope);

  /** Deletes every object of the sandbox; running it twice succeeds. */
  CleanupNetworkResult cleanup(CleanupNetwork action, CommandScope scope);

  /** Opens inbound rules on deployed apps; one result per app. */
  List<SecurityGroupResult> setSecurityGroups(List<AppSecurityGroups> apps, CommandScope scope);
}
