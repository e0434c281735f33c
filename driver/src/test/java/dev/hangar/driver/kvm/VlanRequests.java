package dev.hangar.driver.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.testing.Contexts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** setVlan / removeVlan actions shaped as real servers send them, and the call that runs them. */
final class VlanRequests {
  private static final WireCodec CODEC = WireCodec.standard();

  private VlanRequests() {}

  /** A setVlan for the VM a Deploy result names. */
  static Map<String, Object> setVlan(String actionId, JsonNode vm, String vlanId, String mode) {
    return action("setVlan", actionId, vm, vlanId, mode);
  }

  /** A removeVlan carrying the MAC an earlier setVlan returned. */
  static Map<String, Object> removeVlan(String actionId, JsonNode vm, String vlanId,
      String mac) {
    Map<String, Object> a = action("removeVlan", actionId, vm, vlanId, "Access");
    a.put("connectorAttributes", List.of(attr("Interface", mac, "connectorAttribute")));
    return a;
  }

  static Map<String, Object> withVnic(Map<String, Object> action, String vnic) {
    custom(action).add(attr("Vnic Name", vnic, "customAttribute"));
    return action;
  }

  static Map<String, Object> withQinq(Map<String, Object> action) {
    @SuppressWarnings("unchecked")
    Map<String, Object> params = (Map<String, Object>) action.get("connectionParams");
    params.put("vlanServiceAttributes", List.of(attr("QnQ", "True", "vlanServiceAttribute")));
    return action;
  }

  /** Runs ApplyConnectivityChanges; returns the action results in order. */
  @SafeVarargs
  static JsonNode apply(KvmTestbed bed, Map<String, Object>... actions) {
    return apply(bed.driver, bed.attributes, actions);
  }

  /** Runs ApplyConnectivityChanges for a provider with these attributes. */
  @SafeVarargs
  static JsonNode apply(CloudProviderDriver driver, Map<String, String> attributes,
      Map<String, Object>... actions) {
    List<String> json = new ArrayList<>();
    for (Map<String, Object> a : actions) {
      json.add(CODEC.write(a));
    }
    String out = driver.applyConnectivityChanges(Contexts.resource(attributes),
        Contexts.request(json.toArray(String[]::new)));
    return CODEC.readTree(out, "response").path("driverResponse").path("actionResults");
  }

  private static Map<String, Object> action(String type, String actionId, JsonNode vm,
      String vlanId, String mode) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("type", "setVlanParameter");
    params.put("vlanId", vlanId);
    params.put("mode", mode);
    params.put("vlanServiceAttributes", List.of(attr("QnQ", "False", "vlanServiceAttribute")));
    List<Map<String, String>> custom = new ArrayList<>();
    custom.add(attr("VM_UUID", vm.path("vmUuid").asText(), "customAttribute"));
    vm.path("deployedAppAdditionalData").fields().forEachRemaining(e -> custom.add(
        attr(e.getKey(), e.getValue().asText(), "customAttribute")));
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", type);
    a.put("actionId", actionId);
    a.put("connectionId", "conn-" + actionId);
    a.put("connectionParams", params);
    a.put("connectorAttributes", List.of());
    a.put("actionTarget", Map.of("type", "actionTarget", "fullName", vm.path("vmName").asText(),
        "fullAddress", "NA"));
    a.put("customActionAttributes", custom);
    return a;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> custom(Map<String, Object> action) {
    return (List<Map<String, String>>) action.get("customActionAttributes");
  }

  private static Map<String, String> attr(String name, String value, String type) {
    return Map.of("attributeName", name, "attributeValue", value, "type", type);
  }
}
