package dev.hangar.driver.openstack;

import dev.hangar.datamodel.result.CreateKeysResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import java.util.Map;
import org.openstack4j.model.compute.Keypair;
import org.openstack4j.model.compute.Server;

/**
 * The sandbox's Nova key pair, named after the sandbox ({@link SandboxMarks#keyPair}). Nova
 * returns a private key only when it generates the pair, so a second Prepare replaces a pair no
 * server uses yet; once servers use it, it cannot be replaced and the second Prepare says so.
 * The private key goes back in the CreateKeys result (the standard's accessKey) and is
 * registered as a secret, so no message or log shows it.
 */
final class SandboxKeyPair {
  private final OsSession s;

  SandboxKeyPair(OsSession s) {
    this.s = s;
  }

  /** The sandbox's key pair, or null. */
  Keypair find(String sandbox) {
    String name = SandboxMarks.keyPair(sandbox);
    try {
      return s.os().compute().keypairs().get(name);
    } catch (RuntimeException e) {
      if (OsSession.isClientError(e, 404)) {
        return null;
      }
      throw s.wrap("find key pair " + name, e);
    }
  }

  /** Deletes the sandbox's key pair; false when there was none. */
  boolean delete(String sandbox) {
    String name = SandboxMarks.keyPair(sandbox);
    return s.action("delete key pair " + name, true, () -> s.os().compute().keypairs()
        .delete(name));
  }

  CreateKeysResult create(String actionId, String sandbox, Rollback rollback,
      CommandScope scope) {
    String name = SandboxMarks.keyPair(sandbox);
    String info = "created key pair " + name;
    if (find(sandbox) != null) {
      boolean used = s.call("find servers using key pair " + name, () -> s.os().compute()
          .servers().list(Map.of())).stream().anyMatch(x -> usedBy(x, name));
      if (used) {
        throw new ClientException("key pair " + name + " of this sandbox is already used by"
            + " its servers; its private key was returned by the first PrepareSandboxInfra"
            + " and Nova cannot return it again");
      }
      delete(sandbox);
      info = "replaced key pair " + name + " (Nova shows a private key only when it makes one)";
    }
    Keypair made = s.call("create key pair " + name, () -> s.os().compute().keypairs()
        .create(name, null));
    if (made == null || made.getPrivateKey() == null || made.getPrivateKey().isEmpty()) {
      throw Neutron.missing("create key pair " + name + " (no private key)");
    }
    rollback.push("delete key pair " + name, () -> delete(sandbox));
    scope.addSecret(made.getPrivateKey());
    return new CreateKeysResult(actionId, true, info, "", made.getPrivateKey());
  }

  private static boolean usedBy(Server server, String keyName) {
    return keyName.equals(server.getKeyName()) && server.getStatus() != Server.Status.DELETED;
  }
}
