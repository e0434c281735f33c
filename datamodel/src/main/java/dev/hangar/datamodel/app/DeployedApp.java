package dev.hangar.datamodel.app;

import java.util.List;

/**
 * {@code deployed_app_json}: the deployed app resource. {@code vmdetails.uid} is the DeployApp
 * result's {@code vmUuid}; {@code vmdetails.vmCustomParams} its {@code deployedAppAdditionalData}.
 */
public record DeployedApp(
    String name,
    String family,
    String model,
    String address,
    List<NameValue> attributes,
    VmDetails vmdetails) {

  /** The VM part of the deployed app. */
  public record VmDetails(
      String id, String cloudProviderId, String uid, List<NameValue> vmCustomParams) {

    /** A custom param (from deployedAppAdditionalData) by name, or null. */
    public String customParam(String name) {
      return AppRequest.NameValues.find(vmCustomParams, name);
    }
  }

  /** An attribute of the deployed app by plain or namespaced name, or null. */
  public String attribute(String name) {
    return AppRequest.NameValues.find(attributes, name);
  }

  /** The VM id, or null when the app has none. */
  public String vmUid() {
    return vmdetails == null ? null : vmdetails.uid();
  }
}
