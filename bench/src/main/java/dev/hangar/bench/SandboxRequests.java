package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/** One app of a load sandbox: its name, deployment path and DeployApp result. */
record SandboxApp(String name, String path, JsonNode deployed) {}

/**
 * The requests and app documents of a load sandbox, shaped as the platform sends them; the
 * deployed-app documents serve every load of the bench (SandboxLoad, HostKillLoad).
 */
public final class SandboxRequests {
  private static final ObjectMapper JSON = WireCodec.standard().mapper();

  private SandboxRequests() {}

  static ObjectNode appRequest(SandboxApp a) {
    ObjectNode r = JSON.createObjectNode().put("name", a.name());
    r.putObject("deploymentService").put("model", a.path()).putArray("attributes");
    return r;
  }

  static ObjectNode deployedApp(SandboxApp a) {
    return deployedApp(a.deployed());
  }

  /**
   * The deployed app the platform keeps after a Deploy ({@code deployed_app_json}), from its
   * DeployApp result: the VM's name, its uid and the additional data as vmCustomParams.
   */
  public static ObjectNode deployedApp(JsonNode deployAppResult) {
    ObjectNode d = JSON.createObjectNode().put("name", deployAppResult.path("vmName").asText());
    ObjectNode vm = d.putObject("vmdetails").put("uid",
        deployAppResult.path("vmUuid").asText());
    ArrayNode custom = vm.putArray("vmCustomParams");
    deployAppResult.path("deployedAppAdditionalData").properties().forEach(e ->
        custom.addObject().put("name", e.getKey()).put("value", e.getValue().asText()));
    return d;
  }

  static String detailsRequest(SandboxApp a) {
    return detailsRequest(appRequest(a), a.deployed());
  }

  /** A GetVmDetails request for one app: its app request and its deployed app. */
  public static String detailsRequest(ObjectNode appRequest, JsonNode deployAppResult) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode item = root.putArray("items").addObject();
    item.set("appRequestJson", appRequest);
    item.set("deployedAppJson", deployedApp(deployAppResult));
    return root.toString();
  }

  static String deployRequest(String actionId, String app, String path) {
    ObjectNode action = JSON.createObjectNode().put("type", "deployApp")
        .put("actionId", actionId);
    ObjectNode params = action.putObject("actionParams").put("type", "deployAppParams")
        .put("appName", app);
    ObjectNode deployment = params.putObject("deployment").put("deploymentPath", path);
    ArrayNode attrs = deployment.putArray("attributes");
    Map<String, String> values = new LinkedHashMap<>();
    if (path.equals(SandboxLoad.PATH_TEMPLATE)) {
      values.put("Template", SandboxLoad.TEMPLATE);
    } else {
      values.put("Kernel", "/boot/vmlinuz");
      values.put("Initrd", "/boot/initrd.img");
    }
    values.put("RAM", "128");
    values.put("NIC Count", "1");
    values.put("Wait for IP", "False");
    values.forEach((k, v) -> attrs.addObject().put("attributeName", path + "." + k)
        .put("attributeValue", v).put("type", "attribute"));
    params.putObject("appResource").putArray("attributes");
    return request(JSON.createArrayNode().add(action));
  }

  static ObjectNode vlanAction(String type, String actionId, SandboxApp a, int vlan,
      String mac) {
    ObjectNode action = JSON.createObjectNode().put("type", type).put("actionId", actionId)
        .put("connectionId", "conn-" + actionId);
    ObjectNode params = action.putObject("connectionParams").put("type", "setVlanParameter")
        .put("vlanId", String.valueOf(vlan)).put("mode", "Access");
    params.putArray("vlanServiceAttributes").addObject().put("attributeName", "QnQ")
        .put("attributeValue", "False").put("type", "vlanServiceAttribute");
    ArrayNode connector = action.putArray("connectorAttributes");
    if (mac != null) {
      connector.addObject().put("attributeName", "Interface").put("attributeValue", mac)
          .put("type", "connectorAttribute");
    }
    action.putObject("actionTarget").put("type", "actionTarget")
        .put("fullName", a.deployed().path("vmName").asText()).put("fullAddress", "NA");
    ArrayNode custom = action.putArray("customActionAttributes");
    custom.addObject().put("attributeName", "VM_UUID")
        .put("attributeValue", a.deployed().path("vmUuid").asText())
        .put("type", "customAttribute");
    a.deployed().path("deployedAppAdditionalData").properties().forEach(e -> custom.addObject()
        .put("attributeName", e.getKey()).put("attributeValue", e.getValue().asText())
        .put("type", "customAttribute"));
    return action;
  }

  static String request(ArrayNode actions) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("driverRequest").set("actions", actions);
    return root.toString();
  }
}
