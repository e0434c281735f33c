package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.embedded.PrivateOpenStack;
import dev.hangar.driver.openstack.OpenStackBackendProvider;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.compute.domain.NovaServerCreate;

/**
 * Deploys on a real OpenStack (the tests' {@link PrivateOpenStack}, started here): ROUNDS rounds
 * (default 3, after one warm-up round) of {@value #APPS} sequential Deploys through the driver
 * and {@value #APPS} through a bare openstack4j loop making the same calls (find the image,
 * flavor, network and an earlier server by name, boot, poll every 500 ms until ACTIVE, read the
 * server and its ports), side by side, with the ratio per round. Then the API calls of one app's
 * whole lifecycle through the driver, per command, counted from openstack4j's HTTP log. Not JMH:
 * one sample is 20 boots of several seconds each.
 */
public final class OpenStackDeploys {
  static final int APPS = 20;
  private static final String ENCRYPTED = "ZW5jcnlwdGVkLW9z";
  private static final String PATH = "Hangar Cloud Provider.OpenStack Instance";
  private static final WireCodec CODEC = WireCodec.standard();

  private final PrivateOpenStack stack;
  private final CloudProviderDriver driver;
  private final Map<String, String> attributes = new LinkedHashMap<>();

  private OpenStackDeploys(PrivateOpenStack stack) {
    this.stack = stack;
    RecordingOrchestratorApi api = new RecordingOrchestratorApi(Map.of(ENCRYPTED,
        PrivateOpenStack.PASSWORD), null);
    driver = new CloudProviderDriver(BackendRegistry.empty().register(
        new OpenStackBackendProvider()), c -> api);
    attributes.put("Cloud Type", "OpenStack");
    attributes.put("Networking type", "L2");
    attributes.put("Keystone URL", stack.keystoneUrl());
    attributes.put("OpenStack Project", "admin");
    attributes.put("OpenStack User", "admin");
    attributes.put("OpenStack Password", ENCRYPTED);
    attributes.put("Management Network", OpenStackSeed.MANAGEMENT);
    attributes.put("Flavor", OpenStackSeed.FLAVOR);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long t0 = System.nanoTime();
    PrivateOpenStack stack = PrivateOpenStack.shared();
    OpenStackSeed.shared(stack);
    System.out.printf("stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    OpenStackDeploys b = new OpenStackDeploys(stack);
    System.out.printf("%-8s %12s %12s %8s%n", "round", "driver ms", "bare ms", "ratio");
    List<Double> ratios = new ArrayList<>();
    long driverTotal = 0;
    long bareTotal = 0;
    for (int r = 0; r <= rounds; r++) {
      long driverMs = b.driverRound("r" + r);
      long bareMs = b.bareRound("b" + r);
      double ratio = (double) driverMs / bareMs;
      System.out.printf("%-8s %12d %12d %8.3f%n", r == 0 ? "warm-up" : "#" + r, driverMs,
          bareMs, ratio);
      if (r > 0) {
        ratios.add(ratio);
        driverTotal += driverMs;
        bareTotal += bareMs;
      }
    }
    ratios.sort(null);
    System.out.printf("ratios of the %d measured rounds: %s; all their deploys: %.3f%n", rounds,
        ratios, (double) driverTotal / bareTotal);
    b.countLifecycle();
    System.exit(0); // the shutdown hook stops the stack
  }

  private ResourceCommandContext resource(String sandbox) {
    return CODEC.read("{" + common() + ",\"reservation\":{\"reservation_id\":\"" + sandbox
        + "\"}}", ResourceCommandContext.class);
  }

  private ResourceRemoteCommandContext remote(String sandbox, String app, String id) {
    String deployed = CODEC.write(Map.of("name", app, "vmdetails", Map.of("uid", id)));
    return CODEC.read("{" + common() + ",\"remote_reservation\":{\"reservation_id\":\""
        + sandbox + "\"},\"remote_endpoints\":[{\"name\":\"" + app + "\",\"fullname\":\"" + app
        + "\",\"address\":\"\",\"attributes\":{},\"app_context\":{\"app_request_json\":\"\","
        + "\"deployed_app_json\":" + CODEC.write(deployed) + "}}]}",
        ResourceRemoteCommandContext.class);
  }

  private String common() {
    return "\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"os\",\"fullname\":\"os\",\"model\":\"Hangar Cloud Provider\","
        + "\"attributes\":" + CODEC.write(attributes) + "}";
  }

  private static String deployRequest(String actionId, String app) {
    String attrs = CODEC.write(List.of(Map.of("attributeName", PATH + ".Image",
        "attributeValue", OpenStackSeed.IMAGE)));
    return "{\"driverRequest\":{\"actions\":[{\"type\":\"deployApp\",\"actionId\":\""
        + actionId + "\",\"actionParams\":{\"appName\":\"" + app + "\",\"deployment\":{"
        + "\"deploymentPath\":\"" + PATH + "\",\"attributes\":" + attrs + "},\"appResource\":"
        + "{\"attributes\":[]}}}]}}";
  }

  /** 20 Deploys through the driver (timed), then their deletes (not timed). */
  private long driverRound(String sandbox) {
    List<String> ids = new ArrayList<>();
    long t = System.nanoTime();
    for (int i = 0; i < APPS; i++) {
      JsonNode r = CODEC.readTree(driver.deploy(resource(sandbox), deployRequest(sandbox + "-" + i,
          "app" + i), CancellationContext.NONE), "response")
          .at("/driverResponse/actionResults/0");
      if (!r.path("success").asBoolean()) {
        throw new IllegalStateException("deploy failed: " + r);
      }
      ids.add(r.path("vmUuid").asText());
    }
    long ms = (System.nanoTime() - t) / 1_000_000;
    for (int i = 0; i < ids.size(); i++) {
      driver.deleteInstance(remote(sandbox, "app" + i, ids.get(i)));
    }
    return ms;
  }

  private OSClientV3 login() {
    return OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
  }

  /** The same calls as the driver's Deploy, in a bare loop on one login (timed). */
  private long bareRound(String sandbox) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    long t = System.nanoTime();
    OSClientV3 os = login();
    for (int i = 0; i < APPS; i++) {
      String name = "app" + i + "-" + sandbox;
      String image = os.imagesV2().list(Map.of("name", OpenStackSeed.IMAGE)).get(0).getId();
      String flavor = os.compute().flavors().list().stream()
          .filter(f -> OpenStackSeed.FLAVOR.equals(f.getName())).findFirst().orElseThrow()
          .getId();
      String net = os.networking().network().list(Map.of("name", OpenStackSeed.MANAGEMENT))
          .get(0).getId();
      os.compute().servers().list(Map.of("name", "^" + name + "$"));
      Server s = os.compute().servers().boot(NovaServerCreate.builder().name(name).image(image)
          .flavor(flavor).networks(List.of(net)).addMetadataItem("hangar-sandbox", sandbox)
          .build());
      Server now = os.compute().servers().get(s.getId());
      while (now.getStatus() != Server.Status.ACTIVE || now.getTaskState() != null) {
        Thread.sleep(500);
        now = os.compute().servers().get(s.getId());
      }
      while (now.getAddresses().getAddresses().isEmpty()) {
        Thread.sleep(500);
        now = os.compute().servers().get(s.getId());
      }
      os.networking().port().list(PortListOptions.create().deviceId(s.getId()));
      ids.add(s.getId());
    }
    long ms = (System.nanoTime() - t) / 1_000_000;
    for (String id : ids) {
      os.compute().servers().delete(id);
    }
    for (String id : ids) {
      Server left = os.compute().servers().get(id);
      while (left != null && left.getStatus() != Server.Status.DELETED) {
        Thread.sleep(200);
        left = os.compute().servers().get(id);
      }
    }
    return ms;
  }

  /** One app's lifecycle through the driver, counting the HTTP requests of each command. */
  private void countLifecycle() {
    AtomicInteger requests = new AtomicInteger();
    Logger http = Logger.getLogger("okhttp3.OkHttpClient");
    http.setUseParentHandlers(false); // bodies (with the password) stay out of the console
    http.setLevel(Level.ALL);
    http.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        String m = r.getMessage();
        if (m != null && m.startsWith("--> ") && !m.startsWith("--> END")) {
          requests.incrementAndGet();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    OSFactory.enableHttpLoggingFilter(true);
    String sandbox = "count";
    Map<String, Integer> counts = new LinkedHashMap<>();
    requests.set(0);
    JsonNode r = CODEC.readTree(driver.deploy(resource(sandbox), deployRequest("c1", "web"),
        CancellationContext.NONE), "response").at("/driverResponse/actionResults/0");
    String id = r.path("vmUuid").asText();
    counts.put("Deploy", requests.getAndSet(0));
    driver.powerOff(remote(sandbox, "web", id));
    counts.put("PowerOff", requests.getAndSet(0));
    driver.powerOn(remote(sandbox, "web", id));
    counts.put("PowerOn", requests.getAndSet(0));
    driver.getVmDetails(resource(sandbox), "{\"items\":[{\"appRequestJson\":\"\","
        + "\"deployedAppJson\":" + CODEC.write(CODEC.write(Map.of("name", "web", "vmdetails",
        Map.of("uid", id)))) + "}]}", CancellationContext.NONE);
    counts.put("GetVmDetails", requests.getAndSet(0));
    driver.remoteRefreshIp(remote(sandbox, "web", id), CancellationContext.NONE);
    counts.put("remote_refresh_ip", requests.getAndSet(0));
    driver.deleteInstance(remote(sandbox, "web", id));
    counts.put("DeleteInstance", requests.getAndSet(0));
    OSFactory.enableHttpLoggingFilter(false);
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("API calls of one app's lifecycle through the driver (the Keystone token"
        + " is kept across commands; waits poll every 500 ms):");
    counts.forEach((k, v) -> System.out.printf("  %-18s %3d%n", k, v));
    System.out.printf("  %-18s %3d%n", "total", total);
  }
}
