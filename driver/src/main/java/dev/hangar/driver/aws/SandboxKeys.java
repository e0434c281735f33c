package dev.hangar.driver.aws;

import dev.hangar.datamodel.result.CreateKeysResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.KeyFormat;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.KeyType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The sandbox's EC2 key pair. EC2 returns a private key only when it creates the pair, so a
 * second Prepare replaces a pair no instance uses yet (the platform then keeps the new key);
 * once instances use it, it cannot be replaced and the second Prepare says so.
 *
 * <p>The pair is found by its name (which the sandbox id fixes) and deleted by its name: every
 * EC2 and EC2-compatible cloud knows {@code KeyName}, while some ignore {@code KeyPairId} or key
 * pair tags (moto answers a delete by id with success and keeps the pair).
 */
final class SandboxKeys {
  private final Ec2Session s;

  SandboxKeys(Ec2Session s) {
    this.s = s;
  }

  /** The key pair's name for a sandbox: {@code hangar-<reservation id>}. */
  static String keyName(String sandbox) {
    return "hangar-" + safe(sandbox);
  }

  /** The sandbox id reduced to characters every EC2 name accepts. */
  static String safe(String sandbox) {
    String v = sandbox.replaceAll("[^A-Za-z0-9._-]", "-");
    return v.length() > 200 ? v.substring(0, 200) : v;
  }

  /** The sandbox's key pair, or null. */
  KeyPairInfo find(String sandbox) {
    String name = keyName(sandbox);
    // A filter, not KeyNames: a missing name is then an empty answer, not an error.
    List<KeyPairInfo> found = s.call("find the sandbox key pair", () -> s.ec2()
        .describeKeyPairs(q -> q.filters(Tags.filter("key-name", name))).keyPairs());
    return found.stream().filter(k -> name.equals(k.keyName())).findFirst().orElse(null);
  }

  /** Deletes the sandbox's key pair by name; returns false when there was none. */
  boolean delete(String sandbox) {
    KeyPairInfo k = find(sandbox);
    if (k == null) {
      return false;
    }
    s.delete("delete key pair " + k.keyName(), () -> s.ec2().deleteKeyPair(q -> q
        .keyName(k.keyName())));
    return true;
  }

  /**
   * Creates the sandbox's key pair. {@code fresh}: Prepare has just made the sandbox's VPC, so a
   * pair of an earlier run is unlikely (Cleanup deletes it before the VPC): it creates straight
   * away, and only EC2's "duplicate" makes it look for the pair it then replaces.
   */
  CreateKeysResult create(String actionId, String sandbox, boolean fresh, CommandScope scope) {
    String name = keyName(sandbox);
    if (fresh) {
      try {
        return created(actionId, name, sandbox, "created key pair " + name, scope);
      } catch (SdkException e) {
        if (!"InvalidKeyPair.Duplicate".equals(Ec2Errors.code(e))) {
          throw Ec2Errors.wrap("create key pair " + name, e, s.settings());
        }
      }
    }
    KeyPairInfo existing = find(sandbox);
    String info = "created key pair " + name;
    if (existing != null) {
      boolean used = s.call("find instances using key pair " + name, () -> s.ec2()
          .describeInstances(q -> q.filters(Tags.sandbox(sandbox),
              Tags.filter("key-name", existing.keyName()),
              Tags.filter("instance-state-name", "pending", "running", "stopping", "stopped")))
          .reservations().stream().anyMatch(r -> !r.instances().isEmpty()));
      if (used) {
        throw new ClientException("key pair " + existing.keyName() + " of this sandbox is"
            + " already used by its instances; its private key was returned by the first"
            + " PrepareSandboxInfra and EC2 cannot return it again");
      }
      s.delete("replace key pair " + existing.keyName(), () -> s.ec2().deleteKeyPair(q -> q
          .keyName(existing.keyName())));
      info = "replaced key pair " + name + " (EC2 shows a private key only when it makes one)";
    }
    String message = info;
    return s.call("create key pair " + name, () -> created(actionId, name, sandbox, message,
        scope));
  }

  /** CreateKeyPair; its SDK failure is the caller's to read. */
  private CreateKeysResult created(String actionId, String name, String sandbox, String info,
      CommandScope scope) {
    Map<String, String> tags = s.tagged(sandbox, Tags.ROLE_KEY, name, Map.of());
    String material = s.ec2().createKeyPair(q -> q.keyName(name).keyType(KeyType.RSA)
        .keyFormat(KeyFormat.PEM).tagSpecifications(Tags.spec(ResourceType.KEY_PAIR, tags)))
        .keyMaterial();
    scope.addSecret(material);
    return new CreateKeysResult(actionId, true, info, "", material);
  }
}
