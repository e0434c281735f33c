package dev.hangar.datamodel.result;

import java.util.List;

/**
 * The details of one VM, in DeployApp results and (as a bare array) the GetVmDetails response.
 * {@code appName} must be set in GetVmDetails responses; a failed lookup sets
 * {@code errorMessage} and leaves the lists empty.
 */
public record VmDetailsData(
    String appName,
    String errorMessage,
    List<VmDetailsProperty> vmInstanceData,
    List<VmNetworkInterface> vmNetworkData) {
  public VmDetailsData {
    appName = appName == null ? "" : appName;
    errorMessage = errorMessage == null ? "" : errorMessage;
    vmInstanceData = vmInstanceData == null ? List.of() : vmInstanceData;
    vmNetworkData = vmNetworkData == null ? List.of() : vmNetworkData;
  }

  public static VmDetailsData failure(String appName, String errorMessage) {
    return new VmDetailsData(appName, errorMessage, List.of(), List.of());
  }
}
