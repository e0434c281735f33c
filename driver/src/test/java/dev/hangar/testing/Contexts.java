package dev.hangar.testing;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds driver contexts for tests. */
public final class Contexts {
  public static final String TOKEN = "token-0123456789";
  private static final WireCodec CODEC = WireCodec.standard();

  private Contexts() {}

  public static Map<String, String> kvmAttributes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Hangar Cloud Provider.Cloud Type", "KVM");
    a.put("Hangar Cloud Provider.Networking type", "L2");
    return a;
  }

  public static String attributesJson(Map<String, String> attributes) {
    return CODEC.write(attributes);
  }

  private static String common(Map<String, String> attributes) {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"" + TOKEN
        + "\"},\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":"
        + "\"Hangar Cloud Provider\",\"attributes\":" + attributesJson(attributes) + "}";
  }

  public static ResourceCommandContext resource(Map<String, String> attributes) {
    return CODEC.read("{" + common(attributes) + ",\"reservation\":{\"reservation_id\":"
        + "\"res-1\"}}", ResourceCommandContext.class);
  }

  public static AutoLoadCommandContext autoload(Map<String, String> attributes) {
    return CODEC.read("{" + common(attributes) + "}", AutoLoadCommandContext.class);
  }

  /** A remote command context for app {@code app} with VM {@code uid}. */
  public static ResourceRemoteCommandContext remote(Map<String, String> attributes, String app,
      String uid, String publicIpAttribute) {
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid", uid)));
    return CODEC.read("{" + common(attributes) + ",\"remote_reservation\":{\"reservation_id\":"
        + "\"res-1\"},\"remote_endpoints\":[{\"name\":\"" + app + "\",\"fullname\":\"" + app
        + "\",\"attributes\":{\"" + publicIpAttribute + "\":\"\"},\"app_context\":{"
        + "\"app_request_json\":\"\",\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}",
        ResourceRemoteCommandContext.class);
  }

  /** A driverRequest of the given action JSON texts. */
  public static String request(String... actions) {
    return "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
  }

  public static String deployApp(String actionId, String app, String path) {
    return "{\"type\":\"deployApp\",\"actionId\":\"" + actionId + "\",\"actionParams\":{"
        + "\"appName\":\"" + app + "\",\"deployment\":{\"deploymentPath\":\"" + path
        + "\",\"attributes\":[]},\"appResource\":{\"attributes\":[]}}}";
  }

  public static String setVlan(String actionId, String vmUuid, String vlanId) {
    return "{\"type\":\"setVlan\",\"actionId\":\"" + actionId + "\",\"connectionParams\":{"
        + "\"vlanId\":\"" + vlanId + "\",\"mode\":\"Access\"},\"customActionAttributes\":[{"
        + "\"attributeName\":\"VM_UUID\",\"attributeValue\":\"" + vmUuid + "\"}]}";
  }
}
