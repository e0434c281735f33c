package dev.hangar.driver.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.AutoLoadCommandContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real AWS backend, through the driver, against an EC2 peer — moto ({@link #onMoto()}) or
 * the WireMock fault peer ({@link Ec2Peer}, {@link #AwsTestbed()}): contexts for sandbox
 * {@value #SANDBOX}, requests, and an orchestrator API that decrypts {@link #ENCRYPTED} to the
 * peer's secret. Waits and retries are short so a whole sandbox runs in seconds.
 */
final class AwsTestbed implements AutoCloseable {
  static final String SANDBOX = "sbx-7f3a";
  static final String ENCRYPTED = "ZW5jcnlwdGVkLXNlY3JldA==";
  static final String PATH = "Hangar Cloud Provider.AWS EC2 Instance";
  static final AwsTimeouts FAST = new AwsTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(5), 4,
      Duration.ofMillis(5), Duration.ofMillis(5), AwsTimeouts.Sleeper.REAL);
  static final WireCodec CODEC = WireCodec.standard();

  /** The WireMock peer, or null on moto. */
  final Ec2Peer peer;
  /** The moto server, or null on the WireMock peer. */
  final MotoServer moto;
  final RecordingOrchestratorApi api =
      new RecordingOrchestratorApi(Map.of(ENCRYPTED, Ec2Peer.SECRET), null);
  final CloudProviderDriver driver;
  final Map<String, String> attributes = new LinkedHashMap<>();

  AwsTestbed() {
    this(FAST);
  }

  AwsTestbed(AwsTimeouts timeouts) {
    this(new Ec2Peer(), null, timeouts);
  }

  /** A testbed on the run's moto server, reset to an empty EC2. */
  static AwsTestbed onMoto() {
    return onMoto(FAST);
  }

  static AwsTestbed onMoto(AwsTimeouts timeouts) {
    return new AwsTestbed(null, MotoServer.shared(), timeouts);
  }

  private AwsTestbed(Ec2Peer peer, MotoServer moto, AwsTimeouts timeouts) {
    this.peer = peer;
    this.moto = moto;
    driver = new CloudProviderDriver(BackendRegistry.empty().register(
        new AwsBackendProvider(timeouts)), c -> api);
    attributes.put("Hangar Cloud Provider.Cloud Type", "AWS");
    attributes.put("Hangar Cloud Provider.Networking type", "L3");
    attributes.put("Hangar Cloud Provider.Region", Ec2Peer.REGION);
    attributes.put("Hangar Cloud Provider.AWS Access Key ID", Ec2Peer.KEY_ID);
    attributes.put("Hangar Cloud Provider.AWS Secret Access Key", ENCRYPTED);
    attributes.put("Hangar Cloud Provider.Instance Type", "t3.micro");
    attributes.put("Hangar Cloud Provider.Endpoint", endpoint());
  }

  /** The EC2 endpoint the provider points at. */
  String endpoint() {
    return peer != null ? peer.endpoint() : moto.endpoint();
  }

  private String common() {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},"
        + "\"resource\":{\"name\":\"hangar-aws\",\"fullname\":\"hangar-aws\",\"model\":"
        + "\"Hangar Cloud Provider\",\"attributes\":" + CODEC.write(attributes) + "}";
  }

  private static String reservation() {
    return "{\"reservation_id\":\"" + SANDBOX + "\",\"owner_user\":\"alice\","
        + "\"environment_name\":\"L3 demo\"}";
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

  /** A remote command's context for an app whose deployed_app_json has no vmCustomParams. */
  ResourceRemoteCommandContext remote(String app, String instanceId) {
    return remote(app, instanceId, Map.of());
  }

  /**
   * A remote command's context as the platform makes it for an app Deploy answered with
   * {@code deployed} (its DeployApp result): vmdetails carries the uid and Deploy's
   * deployedAppAdditionalData as vmCustomParams.
   */
  ResourceRemoteCommandContext remote(String app, JsonNode deployed) {
    Map<String, String> params = new LinkedHashMap<>();
    deployed.path("deployedAppAdditionalData").properties().forEach(e ->
        params.put(e.getKey(), e.getValue().asText()));
    return remote(app, deployed.path("vmUuid").asText(), params);
  }

  private ResourceRemoteCommandContext remote(String app, String instanceId,
      Map<String, String> params) {
    List<Map<String, String>> custom = new ArrayList<>();
    params.forEach((k, v) -> custom.add(Map.of("name", k, "value", v)));
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid", instanceId,
        "vmCustomParams", custom)));
    return CODEC.read("{" + common() + ",\"remote_reservation\":" + reservation()
        + ",\"remote_endpoints\":[{\"name\":\"" + app + "\",\"fullname\":\"" + app
        + "\",\"address\":\"\",\"attributes\":{\"Public IP\":\"\"},\"app_context\":{"
        + "\"app_request_json\":\"\",\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}",
        ResourceRemoteCommandContext.class);
  }

  static String request(String... actions) {
    return "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
  }

  static String prepareRequest() {
    return request("{\"type\":\"prepareCloudInfra\",\"actionId\":\"net\",\"actionParams\":{"
            + "\"cidr\":\"10.0.0.0/24\"}}",
        "{\"type\":\"createKeys\",\"actionId\":\"keys\"}",
        "{\"type\":\"prepareSubnet\",\"actionId\":\"pub\",\"actionParams\":{\"cidr\":"
            + "\"10.0.0.0/28\",\"isPublic\":true,\"alias\":\"public\"}}",
        "{\"type\":\"prepareSubnet\",\"actionId\":\"priv\",\"actionTarget\":null,"
            + "\"actionParams\":{\"cidr\":\"10.0.0.16/28\",\"isPublic\":false,"
            + "\"subnetServiceAttributes\":null}}");
  }

  static String connectSubnet(String actionId, String subnetId, String vnic) {
    return "{\"type\":\"connectSubnet\",\"actionId\":\"" + actionId + "\",\"actionParams\":{"
        + "\"subnetId\":\"" + subnetId + "\",\"vnicName\":\"" + vnic + "\"}}";
  }

  static String deployApp(String actionId, String app, Map<String, String> attrs) {
    List<Map<String, String>> list = new ArrayList<>();
    attrs.forEach((k, v) -> list.add(Map.of("attributeName", PATH + "." + k,
        "attributeValue", v)));
    return "{\"type\":\"deployApp\",\"actionId\":\"" + actionId + "\",\"actionParams\":{"
        + "\"appName\":\"" + app + "\",\"deployment\":{\"deploymentPath\":\"" + PATH
        + "\",\"attributes\":" + CODEC.write(list) + "},\"appResource\":{\"attributes\":[]}}}";
  }

  static String cleanupRequest() {
    return request("{\"type\":\"cleanupNetwork\",\"actionId\":\"clean\"}");
  }

  /** The actionResults of a driverResponse. */
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

  /** A result by actionId. */
  static JsonNode result(JsonNode results, String actionId) {
    for (JsonNode r : results) {
      if (actionId.equals(r.path("actionId").asText())) {
        return r;
      }
    }
    throw new AssertionError("no result for " + actionId + " in " + results);
  }

  @Override
  public void close() {
    if (peer != null) {
      peer.close();
    }
  }
}
