package dev.hangar.driver.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * What {@link PrivateOpenStack} registers once its services run, through their APIs: the
 * catalog in Keystone, the Open vSwitch agent's state in Neutron (so that ML2 binds ports), and
 * the wait for the compute host in Nova and Placement.
 */
final class StackRegistration {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenStackConfigs.Ports ports;
  private final StackProcesses processes;
  private final String keystoneUrl;
  private final String password;

  StackRegistration(OpenStackConfigs.Ports ports, StackProcesses processes, String keystoneUrl,
      String password) {
    this.ports = ports;
    this.processes = processes;
    this.keystoneUrl = keystoneUrl;
    this.password = password;
  }

  /** Registers image, placement, compute and network in the catalog; returns the token. */
  String registerCatalog() throws IOException, InterruptedException {
    String token = adminToken();
    String h = "http://" + OpenStackConfigs.HOST + ":";
    String[][] catalog = {
      {"image", "glance", h + ports.glance()},
      {"placement", "placement", h + ports.placement()},
      {"compute", "nova", h + ports.nova() + "/v2.1"},
      {"network", "neutron", h + ports.neutron()}};
    for (String[] s : catalog) {
      JsonNode created = post("/services", token, "{\"service\":{\"type\":\"" + s[0]
          + "\",\"name\":\"" + s[1] + "\",\"enabled\":true}}");
      String id = created.at("/service/id").asText();
      for (String iface : List.of("public", "internal")) {
        post("/endpoints", token, "{\"endpoint\":{\"service_id\":\"" + id
            + "\",\"interface\":\"" + iface + "\",\"url\":\"" + s[2]
            + "\",\"region_id\":\"RegionOne\"}}");
      }
    }
    return token;
  }

  private String adminToken() throws IOException, InterruptedException {
    String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{"
        + "\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"" + password
        + "\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"}}}}}";
    HttpResponse<String> r = StackProcesses.http().send(HttpRequest.newBuilder(URI.create(
        keystoneUrl + "/auth/tokens")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("keystone refused the admin login: " + r.statusCode());
    }
    return r.headers().firstValue("X-Subject-Token").orElseThrow();
  }

  private JsonNode post(String path, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = StackProcesses.http().send(HttpRequest.newBuilder(URI.create(
        keystoneUrl + path)).header("Content-Type", "application/json")
        .header("X-Auth-Token", token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("keystone POST " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private JsonNode get(String url, String token, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
        .timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = StackProcesses.http().send(b.build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
  }

  /** One agent state report ({@code reportAgent}), retried while neutron's RPC server is not
   * consuming yet. */
  void registerAgent(List<String> reportAgent) throws IOException, InterruptedException {
    IOException last = null;
    for (int i = 0; i < 6; i++) {
      try {
        processes.run("report-agent", reportAgent, Duration.ofSeconds(90));
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }

  /**
   * Until the compute host is mapped to cell1, up, and in Placement; after 45 s {@code
   * discoverHosts} maps it by hand (the scheduler does so every 2 s, which can be slow).
   */
  void waitComputeHost(String token, String novaUrl, List<String> discoverHosts)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + StackProcesses.READY.toNanos();
    long discoverAt = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    boolean discovered = false;
    while (System.nanoTime() < end) {
      JsonNode hv = get(novaUrl + "/os-hypervisors/detail", token);
      boolean up = false;
      for (JsonNode h : hv.path("hypervisors")) {
        up |= "up".equals(h.path("state").asText());
      }
      if (up) {
        JsonNode rp = get("http://127.0.0.1:" + ports.placement() + "/resource_providers", token,
            "OpenStack-API-Version", "placement 1.0");
        if (rp.path("resource_providers").size() > 0) {
          return;
        }
      }
      if (!discovered && System.nanoTime() > discoverAt) {
        discovered = true;
        processes.run("nova-manage", discoverHosts, Duration.ofSeconds(60));
      }
      Thread.sleep(500);
    }
    throw new IOException("the compute host " + OpenStackConfigs.COMPUTE_HOST
        + " never came up in nova and placement; see log/nova-compute.log");
  }
}
