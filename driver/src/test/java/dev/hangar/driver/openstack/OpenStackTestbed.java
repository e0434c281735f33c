package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.embedded.PrivateOpenStack;
import dev.hangar.driver.testing.OpenStackStacks;
import dev.hangar.testing.ProgressHookApi;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

/**
 * The real OpenStack backend, through the driver, against the shared {@link PrivateOpenStack}:
 * contexts for a sandbox of its own (a fresh id per testbed), requests, an orchestrator API that
 * decrypts {@link #ENCRYPTED} to the stack's admin password, and an admin client to look at
 * what the cloud holds. Waits poll every 100 ms.
 */
final class OpenStackTestbed {
  static final String ENCRYPTED = "ZW5jcnlwdGVkLW9z";
  static final String PATH = "Hangar Cloud Provider.OpenStack Instance";
  // Deletes get 180 s: under a loaded 2-core machine Nova took over 60 s to delete three servers.
  static final OpenStackTimeouts FAST = new OpenStackTimeouts(Duration.ofSeconds(5),
      Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(60),
      Duration.ofSeconds(180), Duration.ofMillis(100));
  static final WireCodec CODEC = WireCodec.standard();

  final PrivateOpenStack stack = OpenStackStacks.forTest();
  final OpenStackSeed cloud = OpenStackSeed.shared(stack);
  final String sandbox = "sbx-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
      .nextInt());
  final RecordingOrchestratorApi api = new RecordingOrchestratorApi(
      Map.of(ENCRYPTED, PrivateOpenStack.PASSWORD), null);
  /** Runs with each progress line of a command, on its thread (tests kill or cancel there). */
  volatile Consumer<String> onProgress = m -> { };
  final CloudProviderDriver driver;
  final Map<String, String> attributes = new LinkedHashMap<>();

  OpenStackTestbed() {
    this(FAST);
  }

  OpenStackTestbed(OpenStackTimeouts timeouts) {
    driver = new CloudProviderDriver(BackendRegistry.empty().register(
        new OpenStackBackendProvider(timeouts)), c -> new ProgressHookApi(api,
            m -> onProgress.accept(m)));
    attributes.put("Hangar Cloud Provider.Cloud Type", "OpenStack");
    attributes.put("Hangar Cloud Provider.Networking type", "L2");
    attributes.put("Hangar Cloud Provider.Region", "RegionOne");
    attributes.put("Hangar Cloud Provider.Keystone URL", stack.keystoneUrl());
    attributes.put("Hangar Cloud Provider.OpenStack Domain", "Default");
    attributes.put("Hangar Cloud Provider.OpenStack Project", "admin");
    attributes.put("Hangar Cloud Provider.OpenStack User", "admin");
    attributes.put("Hangar Cloud Provider.OpenStack Password", ENCRYPTED);
    attributes.put("Hangar Cloud Provider.Physical Network", stack.physicalNetwork());
    attributes.put("Hangar Cloud Provider.VLAN Range", "1000-2999");
    attributes.put("Hangar Cloud Provider.External Network", OpenStackSeed.EXTERNAL);
    attributes.put("Hangar Cloud Provider.Management Network", OpenStackSeed.MANAGEMENT);
    attributes.put("Hangar Cloud Provider.Flavor", OpenStackSeed.FLAVOR);
  }

  /** The provider's settings as a command reads them, with {@code password}. */
  OpenStackSettings settings(String password) {
    return new OpenStackSettings("hangar-os", stack.keystoneUrl(), "Default", "admin", "admin",
        password, "RegionOne", stack.physicalNetwork(), 1000, 2999, OpenStackSeed.EXTERNAL,
        OpenStackSeed.MANAGEMENT, OpenStackSeed.FLAVOR, dev.hangar.datamodel.SegmentKind.VLAN);
  }

  /** An admin client of the stack, bound to the calling thread. */
  OSClientV3 admin() {
    return OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
  }

  private String common() {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},"
        + "\"resource\":{\"name\":\"hangar-os\",\"fullname\":\"hangar-os\",\"model\":"
        + "\"Hangar Cloud Provider\",\"attributes\":" + CODEC.write(attributes) + "}";
  }

  private String reservation() {
    return "{\"reservation_id\":\"" + sandbox + "\",\"owner_user\":\"alice\","
        + "\"environment_name\":\"OpenStack demo\"}";
  }

  ResourceCommandContext resource() {
    return CODEC.read("{" + common() + ",\"reservation\":" + reservation() + "}",
        ResourceCommandContext.class);
  }

  AutoLoadCommandContext autoload() {
    return CODEC.read("{" + common() + "}", AutoLoadCommandContext.class);
  }

  /** The provider resource alone, as JSON: the context of the reaper and of `hangar reap`. */
  String providerContext() {
    return "{" + common() + "}";
  }

  ResourceRemoteCommandContext remote(String app, String serverId) {
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid", serverId)));
    return CODEC.read("{" + common() + ",\"remote_reservation\":" + reservation()
        + ",\"remote_endpoints\":[{\"name\":\"" + app + "\",\"fullname\":\"" + app
        + "\",\"address\":\"\",\"attributes\":{\"Public IP\":\"\"},\"app_context\":{"
        + "\"app_request_json\":\"\",\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}",
        ResourceRemoteCommandContext.class);
  }

  /** Deploys {@code app} from the seed's image; its result, which must be a success. */
  JsonNode deploy(String actionId, String app) {
    JsonNode r = results(driver.deploy(resource(), request(deployApp(actionId, app,
        Map.of("Image", OpenStackSeed.IMAGE))), CancellationContext.NONE)).get(0);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r;
  }

  /** ApplyConnectivityChanges of these actions, in one request; their results. */
  @SafeVarargs
  final JsonNode apply(Map<String, Object>... actions) {
    String[] json = new String[actions.length];
    for (int i = 0; i < actions.length; i++) {
      json[i] = CODEC.write(actions[i]);
    }
    return results(driver.applyConnectivityChanges(resource(), request(json)));
  }

  static String request(String... actions) {
    return "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
  }

  static String deployApp(String actionId, String app, Map<String, String> attrs) {
    List<Map<String, String>> list = new ArrayList<>();
    attrs.forEach((k, v) -> list.add(Map.of("attributeName", PATH + "." + k,
        "attributeValue", v)));
    return "{\"type\":\"deployApp\",\"actionId\":\"" + actionId + "\",\"actionParams\":{"
        + "\"appName\":\"" + app + "\",\"deployment\":{\"deploymentPath\":\"" + PATH
        + "\",\"attributes\":" + CODEC.write(list) + "},\"appResource\":{\"attributes\":[]}}}";
  }

  static JsonNode results(String response) {
    return json(response).at("/driverResponse/actionResults");
  }

  static JsonNode json(String text) {
    try {
      return CODEC.mapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
