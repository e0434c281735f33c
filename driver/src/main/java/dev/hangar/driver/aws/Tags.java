package dev.hangar.driver.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The EC2 tags that carry Hangar's state: every object a sandbox owns has {@link #SANDBOX}, so
 * Cleanup finds it after a crash; an instance also has the app, the creating actionId, the owner
 * and the blueprint, so a retried Deploy finds it. Values go to EC2 as API parameters (the SDK
 * encodes them), never pasted into anything.
 */
final class Tags {
  static final String SANDBOX = "hangar:sandbox";
  static final String ROLE = "hangar:role";
  static final String APP = "hangar:app";
  static final String ACTION = "hangar:action";
  static final String OWNER = "hangar:owner";
  static final String BLUEPRINT = "hangar:blueprint";
  /** On an app's own security groups and Elastic IPs: the instance they belong to. */
  static final String INSTANCE = "hangar:instance";
  static final String NAME = "Name";
  /** On an EBS snapshot: the snapshot's name, as remote_save_snapshot was given it. */
  static final String SNAPSHOT = "hangar:snapshot";
  /** On an EBS snapshot: when it was saved, in epoch milliseconds (15 digits, sortable). */
  static final String TAKEN = "hangar:taken";
  /**
   * On an EBS snapshot, one tag per volume of the instance when it was taken: key this prefix plus
   * the volume id, value the device the volume was attached at (a restore attaches there).
   */
  static final String DEVICE_PREFIX = "hangar:device:";
  /** On a saved app's image and its snapshots: the saved sandbox id. */
  static final String SAVED_SANDBOX = "hangar:saved-sandbox";
  /** On a saved app's image and its snapshots: the instance it was saved from. */
  static final String SOURCE_INSTANCE = "hangar:source-instance";
  /** On a saved app's snapshots: the image they belong to. */
  static final String IMAGE = "hangar:image";
  /** On every sandbox object: when its sandbox expires (ISO-8601 or "never"), for the reaper. */
  static final String EXPIRES = "hangar:expires";
  /** On every sandbox object: the reservation's owner domain. */
  static final String DOMAIN = "hangar:domain";
  /** On an instance: the public IPs Deploy gives it (0 or 1), counted by the quotas. */
  static final String PUBLIC_IPS = "hangar:public-ips";

  /** Roles of the sandbox objects that come once per sandbox. */
  static final String ROLE_VPC = "vpc";
  static final String ROLE_IGW = "internet-gateway";
  static final String ROLE_PUBLIC_RT = "public-routes";
  static final String ROLE_PRIVATE_RT = "private-routes";
  static final String ROLE_SANDBOX_SG = "sandbox-security-group";
  static final String ROLE_APP_SG = "app-security-group";
  static final String ROLE_SUBNET = "subnet";
  static final String ROLE_KEY = "key-pair";
  /** A Deploy's claim on its actionId: a key pair no instance uses ({@link Ec2DeployClaims}). */
  static final String ROLE_DEPLOY_CLAIM = "deploy-claim";
  static final String ROLE_INSTANCE = "instance";
  static final String ROLE_ELASTIC_IP = "elastic-ip";
  static final String ROLE_SNAPSHOT = "snapshot";
  static final String ROLE_VOLUME = "volume";
  static final String ROLE_SAVED_APP = "saved-app";

  private Tags() {}

  static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }

  static Filter tag(String key, String value) {
    return filter("tag:" + key, value);
  }

  static Filter sandbox(String reservationId) {
    return tag(SANDBOX, reservationId);
  }

  static Filter role(String role) {
    return tag(ROLE, role);
  }

  /** The sandbox tag, the role and a Name, plus {@code extra}. */
  static Map<String, String> of(String reservationId, String role, String name,
      Map<String, String> extra) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(NAME, name);
    t.put(SANDBOX, reservationId);
    t.put(ROLE, role);
    t.putAll(extra);
    return t;
  }

  /**
   * The tags of an object made later for an instance (a snapshot, a volume): {@link #of} in the
   * instance's sandbox (or {@code reservationId} when it has none), with the instance's own
   * expiry and owner domain, so the object expires with the instance it belongs to.
   */
  static Map<String, String> ofInstance(List<Tag> instanceTags, String reservationId, String role,
      String name, Map<String, String> extra) {
    String sandbox = value(instanceTags, SANDBOX);
    Map<String, String> t = of(sandbox.isEmpty() ? reservationId : sandbox, role, name, extra);
    for (String lease : List.of(EXPIRES, DOMAIN)) {
      String v = value(instanceTags, lease);
      if (!v.isEmpty()) {
        t.put(lease, v);
      }
    }
    return t;
  }

  static List<Tag> list(Map<String, String> tags) {
    List<Tag> out = new ArrayList<>();
    tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    return out;
  }

  static TagSpecification spec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(list(tags)).build();
  }

  /** The value of a tag, or "". */
  static String value(List<Tag> tags, String key) {
    if (tags == null) {
      return "";
    }
    return tags.stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst().orElse("");
  }

  /**
   * Custom Tags as a designer writes them, {@code "key:value, key2:value2"} (a value may hold
   * colons; the first one splits). EC2's limits are checked here so the error names the
   * attribute, and Hangar's own keys cannot be overridden.
   */
  static Map<String, String> parseCustom(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + shown(pair.strip())
            + "' is not key:value");
      }
      String key = pair.substring(0, colon).strip();
      String value = pair.substring(colon + 1).strip();
      String lower = key.toLowerCase(Locale.ROOT);
      if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
        throw new IllegalArgumentException("tag '" + shown(key) + "': keys are 1-128 and values"
            + " at most 256 characters");
      }
      if (lower.startsWith("aws:") || lower.startsWith("hangar:")) {
        throw new IllegalArgumentException("tag '" + shown(key) + "': keys starting with aws: or"
            + " hangar: are reserved");
      }
      out.put(key, value);
    }
    if (out.size() > 40) {
      throw new IllegalArgumentException("at most 40 custom tags (EC2 allows 50 per object, Hangar"
          + " uses up to 10)");
    }
    return out;
  }

  private static String shown(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
