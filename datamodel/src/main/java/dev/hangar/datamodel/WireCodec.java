package dev.hangar.datamodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.app.GetVmDetailsRequest;
import dev.hangar.datamodel.internal.ActionDeserializer;
import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.datamodel.result.VmDetailsData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads and writes the wire protocol. Thread-safe; share one instance.
 *
 * <p>Reading is lenient where real traffic varies (see the type docs) and never fails a request
 * for one bad action: such an action reads as
 * {@link dev.hangar.datamodel.request.UnrecognizedAction}. A request that cannot be read at all
 * raises {@link MalformedRequestException} with a message that never quotes request values.
 */
public final class WireCodec {
  private static final WireCodec STANDARD = new WireCodec();
  private static final TypeReference<List<AppSecurityGroups>> SECURITY_GROUPS =
      new TypeReference<>() {};
  private static final TypeReference<List<VmDetailsData>> VM_DETAILS = new TypeReference<>() {};

  private final ObjectMapper mapper = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      // "{...} {...}" or "{...} junk" is a broken request, not the first document alone: without
      // this, whatever followed (a second request's actions) would be silently ignored.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** The shared codec. */
  public static WireCodec standard() {
    return STANDARD;
  }

  /** The mapper behind the codec, for tools that need the tree model. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Reads {@code {"driverRequest":{"actions":[...]}}}. */
  public DriverRequest readDriverRequest(String json) {
    JsonNode root = readTree(json, "request");
    rejectLegacy(root);
    JsonNode envelope = root.get("driverRequest");
    if (envelope == null || !envelope.isObject()) {
      throw new MalformedRequestException("expected {\"driverRequest\":{\"actions\":[...]}}, found "
          + describeKeys(root));
    }
    JsonNode actions = envelope.get("actions");
    if (actions == null || !actions.isArray()) {
      throw new MalformedRequestException("driverRequest.actions must be a list of actions");
    }
    List<Action> out = new ArrayList<>(actions.size());
    for (JsonNode action : actions) {
      // A JSON null reads as an unrecognized action like any other non-object.
      out.add(action(action));
    }
    return new DriverRequest(out);
  }

  private Action action(JsonNode node) {
    try {
      return ActionDeserializer.fromTree(node, mapper::treeToValue);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new MalformedRequestException("action: " + safeMessage(e));
    }
  }

  public String writeDriverRequest(DriverRequest request) {
    ObjectNode root = mapper.createObjectNode();
    root.set("driverRequest", mapper.valueToTree(request));
    return write(root);
  }

  /** Writes {@code {"driverResponse":{"actionResults":[...]}}}. */
  public String writeDriverResponse(DriverResponse response) {
    return write(java.util.Collections.singletonMap("driverResponse", response));
  }

  public DriverResponse readDriverResponse(String json) {
    JsonNode root = readTree(json, "response");
    JsonNode envelope = root.get("driverResponse");
    if (envelope == null || !envelope.isObject()) {
      throw new MalformedRequestException(
          "expected {\"driverResponse\":{\"actionResults\":[...]}}, found " + describeKeys(root));
    }
    return convert(envelope, DriverResponse.class, "driverResponse");
  }

  /** Reads the GetVmDetails request {@code {"items":[...]}}. */
  public GetVmDetailsRequest readGetVmDetailsRequest(String json) {
    JsonNode root = readTree(json, "request");
    if (!root.isObject() || !root.path("items").isArray()) {
      throw new MalformedRequestException("expected {\"items\":[{\"appRequestJson\":...,"
          + "\"deployedAppJson\":...}]}, found " + describeKeys(root));
    }
    return convert(root, GetVmDetailsRequest.class, "GetVmDetails request");
  }

  /** Writes the GetVmDetails response: a bare array. */
  public String writeVmDetails(List<VmDetailsData> details) {
    return write(details);
  }

  public List<VmDetailsData> readVmDetails(String json) {
    JsonNode root = readTree(json, "response");
    if (!root.isArray()) {
      throw new MalformedRequestException("expected a list of VM details");
    }
    return mapper.convertValue(root, VM_DETAILS);
  }

  /** Reads the SetAppSecurityGroups request: a bare array. */
  public List<AppSecurityGroups> readSetAppSecurityGroups(String json) {
    JsonNode root = readTree(json, "request");
    if (!root.isArray()) {
      throw new MalformedRequestException(
          "expected a list of {\"deployedApp\":...,\"securityGroupsConfigurations\":[...]}");
    }
    List<AppSecurityGroups> apps;
    try {
      apps = mapper.readerFor(SECURITY_GROUPS).readValue(root);
    } catch (java.io.IOException e) {
      throw new MalformedRequestException("SetAppSecurityGroups request: " + safeMessage(e));
    }
    // Each result names its app: an item without one cannot be answered (found by the fuzzer:
    // [null] reached the driver as a null item).
    for (int i = 0; i < apps.size(); i++) {
      if (apps.get(i) == null || apps.get(i).deployedApp() == null) {
        throw new MalformedRequestException("SetAppSecurityGroups request: item #" + (i + 1)
            + " has no deployedApp");
      }
    }
    return apps;
  }

  /** Writes the SetAppSecurityGroups response: a bare array. */
  public String writeSecurityGroupResults(List<SecurityGroupResult> results) {
    return write(results);
  }

  /** Reads validate_attributes' request; a clear error without a DeploymentPath. */
  public dev.hangar.datamodel.designer.ValidateAttributesRequest readValidateAttributes(
      String json) {
    var r = convert(readTree(json, "validate_attributes request"),
        dev.hangar.datamodel.designer.ValidateAttributesRequest.class,
        "validate_attributes request");
    if (r == null || r.deploymentPath() == null || r.deploymentPath().isBlank()) {
      throw new MalformedRequestException("the validate_attributes request has no DeploymentPath;"
          + " expected {\"ActionId\",\"DeploymentPath\",\"Attributes\":[{\"AttributeName\","
          + "\"AttributeValue\"}]}");
    }
    return r;
  }

  /** Reads get_attribute_hints' request; a clear error without DeploymentPath or AttributeName. */
  public dev.hangar.datamodel.designer.AttributeHintsRequest readAttributeHints(String json) {
    var r = convert(readTree(json, "get_attribute_hints request"),
        dev.hangar.datamodel.designer.AttributeHintsRequest.class, "get_attribute_hints request");
    if (r == null || r.deploymentPath() == null || r.deploymentPath().isBlank()
        || r.attributeName() == null || r.attributeName().isBlank()) {
      throw new MalformedRequestException("the get_attribute_hints request needs DeploymentPath"
          + " and AttributeName; expected {\"DeploymentPath\",\"AttributeName\","
          + "\"AttributeValues\":[{\"AttributeName\",\"Values\":[..]}]}");
    }
    return r;
  }

  /** Reads any wire document (a context, an app document, a result) as {@code type}. */
  public <T> T read(String json, Class<T> type) {
    return convert(readTree(json, type.getSimpleName()), type, type.getSimpleName());
  }

  /** Reads a tree as {@code type}. */
  public <T> T convert(JsonNode node, Class<T> type, String what) {
    try {
      return mapper.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedRequestException(what + ": " + safeMessage(e));
    }
  }

  /** Writes any wire object compactly. */
  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Parses JSON text; the error says where it broke, not what the text was. */
  public JsonNode readTree(String json, String what) {
    if (json == null || json.isBlank()) {
      throw new MalformedRequestException("the " + what + " is empty");
    }
    try {
      JsonNode node = mapper.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new MalformedRequestException("the " + what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new MalformedRequestException("the " + what + " is not valid JSON" + where + ": "
          + firstLine(e.getOriginalMessage()));
    }
  }

  private static void rejectLegacy(JsonNode root) {
    if (root.isObject() && root.has("NetworkConfigurationsRequest")
        || root.isObject() && root.has("LogicalResourceRequestAttributes")) {
      throw new MalformedRequestException("this is the pre-2018 deploy_ami request format"
          + " (Attributes/LogicalResourceRequestAttributes/NetworkConfigurationsRequest), which no"
          + " current server sends; send {\"driverRequest\":{\"actions\":[deployApp, connectSubnet"
          + " ...]}}");
    }
    if (root.isObject() && root.has("$schema")) {
      throw new MalformedRequestException("this is a JSON schema, not a request; send"
          + " {\"driverRequest\":{\"actions\":[...]}}");
    }
  }

  private static String describeKeys(JsonNode root) {
    if (!root.isObject()) {
      return "a JSON " + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext() && keys.size() < 5; ) {
      keys.add(it.next());
    }
    return keys.isEmpty() ? "an empty object" : "keys " + keys;
  }

  private static String safeMessage(Exception e) {
    if (e instanceof com.fasterxml.jackson.databind.DatabindException de) {
      return dev.hangar.datamodel.internal.ErrorMessages.describe(de);
    }
    return "cannot be read";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    // Jackson quotes the offending token; a token may be a fragment of a secret.
    return line.replaceAll("'[^']*'", "'…'").replaceAll("\\([^)]*code \\d+\\)", "").strip();
  }
}
