package dev.hangar.driver.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.driver.BackendException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openstack4j.api.EndpointTokenProvider;
import org.openstack4j.api.types.ServiceType;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.image.v2.Image;

/**
 * Every object of the project that carries Hangar's lease marks ({@link LeaseMarks}): servers
 * by their metadata, snapshot images by their properties, and Neutron's floating IPs, routers,
 * ports, subnets, networks and security groups by the mark ending their description. Neutron
 * is read with plain GETs on the command's token, because openstack4j's models drop the
 * description; only objects of the token's project are listed, and nothing is written.
 */
final class MarkedObjects {
  /** The Neutron collections read, with the kind a report names. */
  static final Map<String, String> NEUTRON = Map.of("floatingips", "floating-ip", "routers",
      "router", "ports", "port", "subnets", "subnet", "networks", "network",
      "security-groups", "security-group");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OsSession s;

  MarkedObjects(OsSession s) {
    this.s = s;
  }

  /**
   * One marked object.
   *
   * @param kind server, image, or a Neutron kind of {@link #NEUTRON}
   * @param detail what its removal needs: a router's external network, a port's device owner
   */
  record Found(String kind, String id, String name, LeaseMarks.Mark mark, String detail,
      String createdAt) {}

  /** Every marked object of the project. */
  List<Found> all() {
    List<Found> out = new ArrayList<>(servers());
    for (String collection : List.of("floatingips", "routers", "ports", "subnets", "networks",
        "security-groups")) {
      out.addAll(neutron(collection));
    }
    out.addAll(images());
    return out;
  }

  /** The project's servers with a sandbox mark (not those Nova lists as DELETED). */
  List<Found> servers() {
    List<Found> out = new ArrayList<>();
    for (Server x : s.call("list the servers", () -> s.os().compute().servers()
        .list(Map.of()))) {
      if (x.getStatus() == Server.Status.DELETED) {
        continue;
      }
      LeaseMarks.fromMetadata(x.getMetadata()).ifPresent(m -> out.add(new Found("server",
          x.getId(), x.getName(), m, "", x.getCreated() == null ? ""
              : x.getCreated().toInstant().toString())));
    }
    return out;
  }

  /** Hangar's snapshot images with a sandbox mark. */
  List<Found> images() {
    List<Found> out = new ArrayList<>();
    for (Image i : new ServerImages(s).find(Map.of(Marks.KIND, Marks.SNAPSHOT_KIND))) {
      Map<String, String> p = new java.util.HashMap<>();
      for (String k : List.of(LeaseMarks.SANDBOX, LeaseMarks.EXPIRES, LeaseMarks.DOMAIN)) {
        String v = i.getAdditionalPropertyValue(k);
        p.put(k, v == null ? "" : v);
      }
      LeaseMarks.fromMetadata(p).ifPresent(m -> out.add(new Found("image", i.getId(),
          i.getName(), m, "", "")));
    }
    return out;
  }

  /** The marked objects of one Neutron collection ("ports", "routers", ...). */
  List<Found> neutron(String collection) {
    String kind = NEUTRON.get(collection);
    List<Found> out = new ArrayList<>();
    JsonNode answer = get(collection, "project_id=" + enc(s.projectId()));
    String key = collection.replace('-', '_');
    for (JsonNode o : answer.path(key)) {
      LeaseMarks.fromDescription(o.path("description").asText(null)).ifPresent(m -> out.add(
          new Found(kind, o.path("id").asText(), o.path("name").asText(""), m,
              detail(kind, o), o.path("created_at").asText(""))));
    }
    return out;
  }

  private static String detail(String kind, JsonNode o) {
    return switch (kind) {
      case "router" -> o.path("external_gateway_info").path("network_id").asText("");
      case "port" -> o.path("device_owner").asText("");
      default -> "";
    };
  }

  private JsonNode get(String collection, String query) {
    String what = "list the " + collection + " of project " + s.projectId();
    String base = s.call("find the Neutron endpoint", () -> ((EndpointTokenProvider) s.os())
        .getEndpoint(ServiceType.NETWORK));
    if (base == null || base.isEmpty()) {
      throw BackendException.failed(what + ": the catalog names no network endpoint", null);
    }
    base = base.replaceAll("/+$", "");
    if (!base.endsWith("/v2.0")) {
      base += "/v2.0";
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + collection + "?"
        + query)).timeout(s.timeouts().read()).header("Accept", "application/json")
        .header("X-Auth-Token", s.token().getId()).GET().build();
    HttpClient client = HttpClient.newBuilder().connectTimeout(s.timeouts().connect()).build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        String body = r.body() == null ? "" : r.body();
        throw new BackendException(what + ": Neutron answered " + r.statusCode() + " ("
            + (body.length() > 200 ? body.substring(0, 200) + "..." : body) + ")",
            r.statusCode() >= 500, false, null);
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw BackendException.unavailable(what + ": Neutron did not answer (" + e + "); retry",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.hangar.driver.CommandCancelledException("interrupted: " + what);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
