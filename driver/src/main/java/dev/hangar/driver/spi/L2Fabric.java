package dev.hangar.driver.spi;

import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.VlanResult;
import java.util.List;

/** Connects vNICs to VLANs. */
public interface L2Fabric {
  /**
   * Applies validated setVlan/removeVlan actions, batched as the fabric sees fit (one transaction
   * per host). Returns one result per action; the driver reports any action left without one.
   */
  List<VlanResult> apply(List<VlanAction> actions, CommandScope scope);
}
