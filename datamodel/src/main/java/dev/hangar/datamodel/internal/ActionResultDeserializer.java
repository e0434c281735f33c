package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.CreateKeysResult;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.datamodel.result.GenericResult;
import dev.hangar.datamodel.result.PrepareNetworkResult;
import dev.hangar.datamodel.result.PrepareSubnetResult;
import dev.hangar.datamodel.result.ResultTypes;
import dev.hangar.datamodel.result.VlanResult;
import java.io.IOException;
import java.util.Map;

/** Reads a result on its {@code type}; types this model does not describe read as {@link GenericResult}. */
public final class ActionResultDeserializer extends JsonDeserializer<ActionResult> {
  private static final Map<String, Class<? extends ActionResult>> TYPES = Map.of(
      ResultTypes.SAVE_APP, dev.hangar.datamodel.result.SaveAppResult.class,
      ResultTypes.DELETE_SAVED_APP, dev.hangar.datamodel.result.DeleteSavedAppResult.class,
      ResultTypes.DEPLOY_APP, DeployAppResult.class,
      ResultTypes.CONNECT_TO_SUBNET, ConnectToSubnetResult.class,
      ResultTypes.PREPARE_NETWORK, PrepareNetworkResult.class,
      ResultTypes.PREPARE_SUBNET, PrepareSubnetResult.class,
      ResultTypes.CREATE_KEYS, CreateKeysResult.class,
      ResultTypes.CLEANUP_NETWORK, CleanupNetworkResult.class);

  @Override
  public ActionResult deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode node = ctxt.readTree(p);
    String type = text(node, "type");
    Class<? extends ActionResult> cls = TYPES.get(type);
    if (cls != null) {
      return ctxt.readTreeAsValue(node, cls);
    }
    boolean success = node.path("success").asBoolean(false);
    if (ResultTypes.SET_VLAN.equals(type) || ResultTypes.REMOVE_VLAN.equals(type)) {
      return new VlanResult(type, text(node, "actionId"), success, text(node, "infoMessage"),
          text(node, "errorMessage"), text(node, "updatedInterface"));
    }
    return new GenericResult(type, text(node, "actionId"), success, text(node, "infoMessage"),
        text(node, "errorMessage"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
