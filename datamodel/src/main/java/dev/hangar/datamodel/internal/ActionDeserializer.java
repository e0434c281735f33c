package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.request.CreateKeys;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.datamodel.request.PrepareCloudInfra;
import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.request.RemoveVlan;
import dev.hangar.datamodel.request.SaveApp;
import dev.hangar.datamodel.request.DeleteSavedApp;
import dev.hangar.datamodel.request.SetVlan;
import dev.hangar.datamodel.request.UnrecognizedAction;
import java.io.IOException;
import java.util.Map;

/**
 * Dispatches an action on its {@code type} tag. Never fails the whole request: an unknown type or
 * a broken structure reads as {@link UnrecognizedAction} with a reason that names the field, never
 * its value (values may be secrets).
 */
public final class ActionDeserializer extends JsonDeserializer<Action> {
  private static final Map<String, Class<? extends Action>> TYPES = Map.ofEntries(
      Map.entry(DeployApp.TYPE, DeployApp.class),
      Map.entry(ConnectSubnet.TYPE, ConnectSubnet.class),
      Map.entry(PrepareCloudInfra.TYPE, PrepareCloudInfra.class),
      Map.entry(PrepareSubnet.TYPE, PrepareSubnet.class),
      Map.entry(CreateKeys.TYPE, CreateKeys.class),
      Map.entry(CleanupNetwork.TYPE, CleanupNetwork.class),
      Map.entry(SetVlan.TYPE, SetVlan.class),
      Map.entry(RemoveVlan.TYPE, RemoveVlan.class),
      Map.entry(SaveApp.TYPE, SaveApp.class),
      Map.entry(DeleteSavedApp.TYPE, DeleteSavedApp.class));

  /**
   * Other spellings of a type that senders use: cloudshell-cp-core upper-cases the first letter
   * of every type before it looks the class up, so {@code saveApp} is {@code SaveApp} there.
   */
  private static final Map<String, String> ALIASES = Map.of(
      "saveApp", SaveApp.TYPE,
      "deleteSavedApp", DeleteSavedApp.TYPE);

  /** The action types this model reads. */
  public static java.util.Set<String> knownTypes() {
    return new java.util.TreeSet<>(TYPES.keySet());
  }

  /** Binds an action's JSON tree to the class of its type. */
  @FunctionalInterface
  public interface TreeBinder {
    <T> T bind(JsonNode node, Class<T> type) throws IOException;
  }

  @Override
  public Action deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return fromTree(ctxt.readTree(p), ctxt::readTreeAsValue);
  }

  /**
   * The action an already parsed tree holds. A request is read as a tree first (to check its
   * envelope), so binding each action from that tree saves building the tree a second time.
   */
  public static Action fromTree(JsonNode node, TreeBinder binder) throws IOException {
    if (!node.isObject()) {
      return new UnrecognizedAction(null, null, "an action must be a JSON object", node);
    }
    String actionId = textOrNull(node.get("actionId"));
    JsonNode typeNode = node.get("type");
    if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isBlank()) {
      return new UnrecognizedAction(actionId, null, "the action has no type", node);
    }
    String type = ALIASES.getOrDefault(typeNode.asText(), typeNode.asText());
    Class<? extends Action> cls = TYPES.get(type);
    if (cls == null) {
      return new UnrecognizedAction(actionId, type, "unknown action type '" + type
          + "'; Hangar handles " + String.join(", ", knownTypes()), node);
    }
    String legacy = legacyProblem(type, node);
    if (legacy != null) {
      return new UnrecognizedAction(actionId, type, legacy, node);
    }
    try {
      return binder.bind(node, cls);
    } catch (DatabindException e) {
      return new UnrecognizedAction(actionId, type,
          "malformed " + type + " action: " + ErrorMessages.describe(e), node);
    }
  }

  private static String legacyProblem(String type, JsonNode node) {
    if ((type.equals(SetVlan.TYPE) || type.equals(RemoveVlan.TYPE))) {
      JsonNode params = node.get("connectionParams");
      if (params != null && params.has("vlanIds") && !params.has("vlanId")) {
        return "connectionParams.vlanIds is the 2016 draft format, which no current server sends;"
            + " send connectionParams.vlanId instead";
      }
    }
    return null;
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }
}
