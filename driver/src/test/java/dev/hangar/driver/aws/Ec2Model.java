package dev.hangar.driver.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The state behind the test EC2 peer: VPCs, gateways, route tables, security groups, key
 * pairs, subnets, instances, network interfaces and Elastic IPs, with EC2's rules where Hangar
 * meets them (DependencyViolation while something still uses an object, Invalid*.NotFound,
 * duplicates, client tokens, instance state transitions one Describe apart). {@link #live()} is
 * what a test checks is empty after Cleanup.
 */
final class Ec2Model {
  static final String OWNER = "123456789012";

  /** One EC2 object: its kind ("vpc", "subnet", ...), id, tags, fields and list items. */
  static final class Obj {
    final String kind;
    final String id;
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, String> f = new LinkedHashMap<>();
    final List<Map<String, String>> items = new ArrayList<>();
    boolean deleted;

    Obj(String kind, String id) {
      this.kind = kind;
      this.id = id;
    }

    @Override
    public String toString() {
      return kind + " " + id + " " + tags;
    }
  }

  /** An EC2 error answer. */
  static final class Ec2Error extends RuntimeException {
    final int status;
    final String code;

    Ec2Error(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** The answer to one request. */
  record Reply(int status, String body) {}

  private final String region;
  private final String accessKeyId;
  private final Map<String, Obj> objects = new LinkedHashMap<>();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private long seq = 0x0a1b2c3d4e5f00L;
  private final Ec2ComputeActions compute;
  private final Ec2NetworkActions network;

  Ec2Model(String region, String accessKeyId) {
    this.region = region;
    this.accessKeyId = accessKeyId;
    this.compute = new Ec2ComputeActions(this);
    this.network = new Ec2NetworkActions(this);
  }

  String region() {
    return region;
  }

  /** The actions received, in order. */
  List<String> actions() {
    return List.copyOf(actions);
  }

  synchronized Reply handle(QueryForm q, String keyId) {
    String action = q.action();
    actions.add(action);
    try {
      if (!Objects.equals(accessKeyId, keyId)) {
        throw new Ec2Error(401, "AuthFailure",
            "AWS was not able to validate the provided access credentials");
      }
      String body = compute.handles(action) ? compute.handle(action, q) : network.handle(action, q);
      return new Reply(200, Ec2Xml.response(action, body));
    } catch (Ec2Error e) {
      return new Reply(e.status, Ec2Xml.error(e.code, e.getMessage()));
    }
  }

  // ---- objects ----

  Obj create(String kind, String prefix, Map<String, String> tags) {
    seq += 0x1f3;
    Obj o = new Obj(kind, prefix + "-" + String.format("%017x", seq));
    o.tags.putAll(tags);
    objects.put(o.id, o);
    return o;
  }

  /** Live objects of a kind, in creation order. */
  List<Obj> all(String kind) {
    return objects.values().stream().filter(o -> o.kind.equals(kind) && !o.deleted).toList();
  }

  Obj get(String kind, String id, String notFoundCode, String label) {
    Obj o = objects.get(id);
    if (o == null || o.deleted || !o.kind.equals(kind)) {
      throw new Ec2Error(400, notFoundCode, "The " + label + " '" + id + "' does not exist");
    }
    return o;
  }

  /** Objects of a kind selected by ids (all must exist) or else by filters. */
  List<Obj> select(String kind, QueryForm q, String idParam, String notFoundCode, String label,
      Function<Obj, Map<String, List<String>>> facets) {
    List<String> ids = q.list(idParam);
    List<Obj> base = new ArrayList<>();
    if (!ids.isEmpty()) {
      for (String id : ids) {
        Obj o = objects.get(id);
        if (o == null || !o.kind.equals(kind) || o.deleted && !"instance".equals(kind)) {
          throw new Ec2Error(400, notFoundCode, "The " + label + " '" + id + "' does not exist");
        }
        base.add(o);
      }
    } else {
      base.addAll(objects.values().stream().filter(o -> o.kind.equals(kind)
          && (!o.deleted || "instance".equals(kind))).toList());
    }
    Map<String, List<String>> filters = q.filters();
    List<Obj> out = new ArrayList<>();
    for (Obj o : base) {
      Map<String, List<String>> have = facets.apply(o);
      boolean ok = true;
      for (var f : filters.entrySet()) {
        List<String> values;
        if (f.getKey().startsWith("tag:")) {
          String v = o.tags.get(f.getKey().substring(4));
          values = v == null ? List.of() : List.of(v);
        } else if (have.containsKey(f.getKey())) {
          values = have.get(f.getKey());
        } else {
          throw new Ec2Error(400, "InvalidParameterValue", "The filter '" + f.getKey()
              + "' is invalid");
        }
        ok &= values.stream().anyMatch(f.getValue()::contains);
      }
      if (ok) {
        out.add(o);
      }
    }
    return out;
  }

  /** The security groups on an interface. */
  List<Obj> groupsOf(Obj eni) {
    List<Obj> out = new ArrayList<>();
    for (String g : eni.f.getOrDefault("groups", "").split(",")) {
      Obj o = objects.get(g);
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  /** The live interfaces of an instance in device order. */
  List<Obj> enisOf(Obj instance) {
    return all("eni").stream().filter(e -> instance.id.equals(e.f.get("instance")))
        .sorted((a, b) -> Integer.compare(Integer.parseInt(a.f.get("device")),
            Integer.parseInt(b.f.get("device")))).toList();
  }

  /** Everything still there: what a cleanup left behind (terminated instances are gone). */
  synchronized List<Obj> live() {
    return objects.values().stream().filter(o -> !o.deleted).toList();
  }

  /** Every object of a kind, terminated instances and deleted objects included. */
  List<Obj> snapshotAll(String kind) {
    return objects.values().stream().filter(o -> o.kind.equals(kind)).toList();
  }

  static int stateCode(String state) {
    return switch (state) {
      case "pending" -> 0;
      case "running" -> 16;
      case "shutting-down" -> 32;
      case "terminated" -> 48;
      case "stopping" -> 64;
      case "stopped" -> 80;
      default -> throw new IllegalArgumentException(state);
    };
  }

  static String ret() {
    return "  <return>true</return>\n";
  }

  static Ec2Error missing(String param) {
    return new Ec2Error(400, "MissingParameter", "The request must contain the parameter "
        + param);
  }

  static String required(QueryForm q, String param) {
    String v = q.get(param);
    if (v == null || v.isEmpty()) {
      throw missing(param);
    }
    return v;
  }
}
