package dev.hangar.driver.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A KVM cloud for tests: a libvirt test-driver host of its own (a node file: storage pool
 * {@code hangar-pool} with template {@code tmpl.qcow2}, network {@code mgmt}), a real private
 * ovsdb-server with bridge br-int, and a driver with only the KVM backend. Waits run on a fake
 * clock, so "600 s" passes at once.
 */
final class KvmTestbed implements AutoCloseable {
  static final String PATH_KERNEL = "Hangar Cloud Provider.KVM VM From Kernel";
  static final String PATH_TEMPLATE = "Hangar Cloud Provider.KVM VM From Template";
  private static final WireCodec CODEC = WireCodec.standard();

  final Path dir;
  final String uri;
  final PrivateOvsdbServer ovsdb;
  final KvmBackendProvider provider;
  final RecordingOrchestratorApi api = RecordingOrchestratorApi.silent();
  final CloudProviderDriver driver;
  final Map<String, String> attributes = new LinkedHashMap<>(Contexts.kvmAttributes());
  final FakeClock clock = new FakeClock();

  KvmTestbed() throws IOException {
    this(UnaryOperator.identity(), null);
  }

  /** A testbed whose OVSDB client goes through {@code wrap} (for fault injection). */
  KvmTestbed(UnaryOperator<OvsdbConnector> wrap) throws IOException {
    this(wrap, null);
  }

  /** @param timeouts the backend's bounds, or null for the fake clock's */
  KvmTestbed(KvmTimeouts timeouts) throws IOException {
    this(UnaryOperator.identity(), timeouts);
  }

  private KvmTestbed(UnaryOperator<OvsdbConnector> wrap, KvmTimeouts timeouts)
      throws IOException {
    dir = Files.createTempDirectory("hangar-kvm-test-");
    Path node = dir.resolve("node.xml");
    Files.writeString(node, nodeXml());
    uri = "test://" + node;
    ovsdb = PrivateOvsdbServer.start("br-int");
    provider = new KvmBackendProvider(() -> wrap.apply(OvsdbConnectors.standard()),
        timeouts != null ? timeouts
        : new KvmTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(1), clock));
    driver = new CloudProviderDriver(BackendRegistry.empty().register(provider), c -> api);
    attributes.put("Hangar Cloud Provider.Hypervisors", uri);
    attributes.put("Hangar Cloud Provider.OVS Bridge", "br-int");
    attributes.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    attributes.put("Hangar Cloud Provider.Storage Pool", "hangar-pool");
    attributes.put("Hangar Cloud Provider.Management Network", "mgmt");
  }

  static String nodeXml() {
    return """
        <node>
          <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>
            <active>2</active><mhz>2000</mhz><model>x86_64</model></cpu>
          <memory>8388608</memory>
          <network>
            <name>mgmt</name>
            <bridge name='virbr9'/>
            <ip address='10.9.0.1' netmask='255.255.255.0'>
              <dhcp><range start='10.9.0.2' end='10.9.0.254'/></dhcp>
            </ip>
          </network>
          <pool type='dir'>
            <name>hangar-pool</name>
            <target><path>/hangar-pool</path></target>
            <volume><name>tmpl.qcow2</name><capacity unit='G'>2</capacity>
              <target><format type='qcow2'/></target></volume>
          </pool>
        </node>
        """;
  }

  /** The libvirt connection the backend uses for this host (test:/// state is per connection). */
  Connect libvirt() {
    return provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(uri, null, null), Duration.ofSeconds(5)).connect();
  }

  /** A deployApp action JSON with the given deployment attributes (plain names). */
  static String deployApp(String actionId, String app, String path, Map<String, String> attrs) {
    List<Map<String, String>> list = new ArrayList<>();
    attrs.forEach((k, v) -> list.add(Map.of("attributeName", path + "." + k, "attributeValue", v,
        "type", "attribute")));
    Map<String, Object> action = Map.of("type", "deployApp", "actionId", actionId,
        "actionParams", Map.of("type", "deployAppParams", "appName", app, "deployment",
            Map.of("deploymentPath", path, "attributes", list), "appResource",
            Map.of("attributes", List.of())));
    return CODEC.write(action);
  }

  static Map<String, String> kernelAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Kernel", "/boot/vmlinuz");
    a.put("Initrd", "/boot/initrd.img");
    a.put("NIC Count", "2");
    a.put("Wait for IP", "False");
    return a;
  }

  /** Runs Deploy; returns the first action result. */
  JsonNode deploy(String actionId, String app, String path, Map<String, String> attrs) {
    return deploy(Contexts.request(deployApp(actionId, app, path, attrs)),
        CancellationContext.NONE).get(0);
  }

  /**
   * Runs Deploy of one app for {@code reservation} of owner domain {@code domain}, with
   * {@code providerAttrs} (plain names) set on the provider; returns its result.
   */
  JsonNode deployFor(String reservation, String domain, Map<String, String> providerAttrs,
      String actionId, String app, Map<String, String> attrs) {
    Map<String, String> provider = new LinkedHashMap<>(attributes);
    providerAttrs.forEach((k, v) -> provider.put("Hangar Cloud Provider." + k, v));
    ResourceCommandContext ctx = CODEC.read("{\"connectivity\":{\"server_address\":"
        + "\"127.0.0.1\",\"admin_auth_token\":\"t\"},\"resource\":{\"name\":\"prov\","
        + "\"fullname\":\"prov\",\"model\":\"Hangar Cloud Provider\",\"attributes\":"
        + CODEC.write(provider) + "},\"reservation\":{\"reservation_id\":" + CODEC.write(
            reservation) + ",\"domain\":" + CODEC.write(domain) + "}}",
        ResourceCommandContext.class);
    String out = driver.deploy(ctx, Contexts.request(deployApp(actionId, app, PATH_TEMPLATE,
        attrs)), CancellationContext.NONE);
    return CODEC.readTree(out, "response").path("driverResponse").path("actionResults").get(0);
  }

  JsonNode deploy(String request, CancellationContext cancel) {
    String out = driver.deploy(Contexts.resource(attributes), request, cancel);
    return CODEC.readTree(out, "response").path("driverResponse").path("actionResults");
  }

  /** A remote context for a deployed app, as the server builds it from the DeployApp result. */
  ResourceRemoteCommandContext remote(JsonNode deployResult) {
    return remote(deployResult, Map.of());
  }

  ResourceRemoteCommandContext remote(JsonNode deployResult, Map<String, String> deployAttrs) {
    return remote(attributes, deployResult, deployAttrs);
  }

  /** {@link #remote(JsonNode, Map)} for a provider with {@code attributes}, reservation res-1. */
  static ResourceRemoteCommandContext remote(Map<String, String> attributes,
      JsonNode deployResult, Map<String, String> deployAttrs) {
    List<Map<String, String>> custom = new ArrayList<>();
    deployResult.path("deployedAppAdditionalData").fields().forEachRemaining(e -> custom.add(
        Map.of("name", e.getKey(), "value", e.getValue().asText())));
    List<Map<String, String>> depAttrs = new ArrayList<>();
    deployAttrs.forEach((k, v) -> depAttrs.add(Map.of("name", k, "value", v)));
    String app = deployResult.path("vmName").asText();
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid",
        deployResult.path("vmUuid").asText(), "vmCustomParams", custom)));
    String request = CODEC.write(Map.of("name", app, "deploymentService", Map.of("model",
        PATH_KERNEL, "attributes", depAttrs)));
    String ctx = "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(attributes) + "},\"remote_reservation\":{"
        + "\"reservation_id\":\"res-1\"},\"remote_endpoints\":[{\"name\":" + CODEC.write(app)
        + ",\"fullname\":" + CODEC.write(app) + ",\"address\":\"\",\"attributes\":{},"
        + "\"app_context\":{\"app_request_json\":" + CODEC.write(request)
        + ",\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}";
    return CODEC.read(ctx, ResourceRemoteCommandContext.class);
  }

  /** Names of the ports on br-int. */
  List<String> ports() throws IOException {
    return ovsdb.vsctlNames("list-ports", "br-int");
  }

  String portColumn(String port, String column) throws IOException {
    return ovsdb.vsctl("get", "port", port, column).strip();
  }

  List<String> domains() throws LibvirtException {
    List<String> out = new ArrayList<>(List.of(libvirt().listDefinedDomains()));
    for (int id : libvirt().listDomains()) {
      out.add(libvirt().domainLookupByID(id).getName());
    }
    return out;
  }

  List<String> volumes() throws LibvirtException {
    return List.of(libvirt().storagePoolLookupByName("hangar-pool").listVolumes());
  }

  @Override
  public void close() {
    provider.close();
    ovsdb.close();
    LocalProcesses.deleteTree(dir);
  }

  /** Time that moves only when waited on. */
  static final class FakeClock implements KvmTimeouts.Sleeper {
    final AtomicLong now = new AtomicLong();

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public void sleep(Duration d) {
      now.addAndGet(d.toNanos());
    }
  }
}
