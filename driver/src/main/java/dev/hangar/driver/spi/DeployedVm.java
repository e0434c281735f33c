package dev.hangar.driver.spi;

import dev.hangar.datamodel.app.AppRequest;
import dev.hangar.datamodel.app.DeployedApp;

/**
 * A VM that Deploy made, as later commands identify it: {@code uid} is the DeployApp result's
 * vmUuid, {@code app} carries the deployedAppAdditionalData as vmCustomParams.
 */
public record DeployedVm(String resourceName, String uid, DeployedApp app, AppRequest request) {
  /** A custom param from Deploy's deployedAppAdditionalData, or null. */
  public String customParam(String name) {
    return app == null || app.vmdetails() == null ? null : app.vmdetails().customParam(name);
  }
}
