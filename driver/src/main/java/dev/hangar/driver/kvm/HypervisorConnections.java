package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.embedded.LibvirtProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.ConnectAuth;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live libvirt connections, one per hypervisor URI, shared by all commands of this process
 * (connecting to a real libvirtd costs up to seconds; connections are thread-safe). A connection
 * that died is dropped and made again; a host that does not answer fails within the timeout.
 */
final class HypervisorConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HypervisorConnections.class);

  private final Map<String, Pending> live = new ConcurrentHashMap<>();
  private final ExecutorService connector = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hangar-libvirt-connect");
    t.setDaemon(true);
    return t;
  });
  private final int changesPerHost;
  private volatile Path keyDir;

  private record Pending(CompletableFuture<Hypervisor> future, long startedNanos) {}

  HypervisorConnections(int changesPerHost) {
    this.changesPerHost = changesPerHost;
    LibvirtEventLoop.ensureRunning();
  }

  /**
   * The hypervisor at {@code target}, connected within {@code timeout}.
   *
   * @throws BackendException (unavailable) when it cannot be reached in time
   */
  Hypervisor get(HypervisorTarget target, Duration timeout) {
    for (int attempt = 0; ; attempt++) {
      Pending p = live.compute(target.uri(), (k, old) -> old == null || stale(old, timeout)
          ? new Pending(CompletableFuture.supplyAsync(() -> open(target), connector),
              System.nanoTime())
          : old);
      Hypervisor h = await(target, p, timeout);
      if (alive(h) || attempt > 0) {
        return h.as(target);
      }
      // Dead (keepalive timed out across a partition, daemon restarted): libvirt never revives
      // a connection, so it is replaced. It is not closed here: a command may still be calling
      // through it (and would fail on its own), and closing it under that call could free it
      // mid-call; libvirt-java's finalizer closes it once no command holds it.
      live.remove(target.uri(), p);
    }
  }

  private Hypervisor await(HypervisorTarget target, Pending p, Duration timeout) {
    try {
      return p.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw BackendException.unavailable("hypervisor " + target.uri() + " did not answer within "
          + timeout.toSeconds() + " s; check the host is up and the URI in 'Hypervisors'", e);
    } catch (ExecutionException e) {
      live.remove(target.uri(), p);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw BackendException.unavailable("cannot connect to " + target.uri(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BackendException.unavailable("interrupted while connecting to " + target.uri(), e);
    }
  }

  private static boolean stale(Pending p, Duration timeout) {
    if (p.future().isCompletedExceptionally()) {
      return true;
    }
    // A connect stuck far past every caller's timeout is abandoned; the next caller tries anew.
    return !p.future().isDone()
        && System.nanoTime() - p.startedNanos() > 3 * timeout.toNanos();
  }

  private static boolean alive(Hypervisor h) {
    try {
      return h.connect().isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private Hypervisor open(HypervisorTarget target) {
    try {
      LibvirtProbe.silenceLibvirtStderr();
      Connect c = target.isRemote() && !target.ssh().password().isEmpty()
          && target.ssh().privateKey().isEmpty()
          ? new Connect(effectiveUri(target), passwordAuth(target), 0)
          : new Connect(effectiveUri(target));
      if (target.isRemote()) {
        keepAlive(c);
      }
      return new Hypervisor(target, c, GuestCapabilities.domainTypes(c.getCapabilities()),
          new Semaphore(changesPerHost));
    } catch (LibvirtException e) {
      throw BackendException.unavailable("cannot connect to hypervisor " + target.uri() + ": "
          + LibvirtErrors.text(e), e);
    }
  }

  private static void keepAlive(Connect c) {
    try {
      c.setKeepAlive(5, 3);
    } catch (LibvirtException e) {
      log.debug("no keepalive on this connection: {}", LibvirtErrors.text(e));
    }
  }

  /**
   * Adds the 'SSH User' to ssh transports whose URI names no user, and the SSH key file (and no
   * host-key prompt) when a key is set.
   */
  private String effectiveUri(HypervisorTarget target) {
    String uri = withUser(target);
    if (!target.isRemote() || target.ssh().privateKey().isEmpty()) {
      return uri;
    }
    String scheme = uri.substring(0, uri.indexOf(':'));
    StringBuilder extra = new StringBuilder();
    if (!uri.contains("keyfile=")) {
      extra.append("keyfile=").append(keyFile(target.ssh().privateKey()));
    }
    if (scheme.endsWith("+ssh") && !uri.contains("no_verify=")) {
      extra.append(extra.length() > 0 ? "&" : "").append("no_verify=1");
    } else if ((scheme.endsWith("+libssh") || scheme.endsWith("+libssh2"))
        && !uri.contains("known_hosts_verify=")) {
      extra.append(extra.length() > 0 ? "&" : "").append("known_hosts_verify=ignore");
    }
    if (extra.length() == 0) {
      return uri;
    }
    return uri + (uri.contains("?") ? "&" : "?") + extra;
  }

  /**
   * The URI with {@code user@} when it names no user: libvirt would otherwise log in as the user
   * running the driver ({@code +ssh}) or as root ({@code +libssh}, {@code +libssh2}), while the
   * OVSDB tunnel uses 'SSH User'.
   */
  private static String withUser(HypervisorTarget target) {
    String uri = target.uri();
    if (!target.isRemote() || target.ssh().user().isEmpty()) {
      return uri;
    }
    String scheme = uri.substring(0, uri.indexOf(':'));
    int start = uri.indexOf("://");
    if (!(scheme.endsWith("+ssh") || scheme.endsWith("+libssh") || scheme.endsWith("+libssh2"))
        || start < 0) {
      return uri;
    }
    start += 3;
    int end = start;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    if (uri.substring(start, end).contains("@")) {
      return uri;
    }
    StringBuilder user = new StringBuilder();
    for (byte b : target.ssh().user().getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        user.append(c);
      } else {
        user.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return uri.substring(0, start) + user + "@" + uri.substring(start);
  }

  /** A 0600 file holding the key, named by its hash so one key is written once. */
  private Path keyFile(String privateKey) {
    try {
      Path dir = keyDir;
      if (dir == null) {
        synchronized (this) {
          if (keyDir == null) {
            keyDir = Files.createTempDirectory("hangar-ssh-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          }
          dir = keyDir;
        }
      }
      String name = Names.sha256Hex(privateKey).substring(0, 16) + ".key";
      Path file = dir.resolve(name);
      if (!Files.exists(file)) {
        Path tmp = Files.createTempFile(dir, "key", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String text = privateKey.endsWith("\n") ? privateKey : privateKey + "\n";
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the SSH key file for libvirt", e);
    }
  }

  /** Answers libvirt's libssh/libssh2 prompts with the SSH user and password. */
  private static ConnectAuth passwordAuth(HypervisorTarget target) {
    ConnectAuth auth = new ConnectAuth() {
      @Override
      public int callback(Credential[] creds) {
        for (Credential c : creds) {
          switch (c.type) {
            case VIR_CRED_AUTHNAME, VIR_CRED_USERNAME, VIR_CRED_ECHOPROMPT ->
                c.result = target.ssh().user();
            case VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT -> c.result = target.ssh().password();
            default -> {
              return -1;
            }
          }
        }
        return 0;
      }
    };
    auth.credType = new ConnectAuth.CredentialType[] {
        ConnectAuth.CredentialType.VIR_CRED_AUTHNAME,
        ConnectAuth.CredentialType.VIR_CRED_USERNAME,
        ConnectAuth.CredentialType.VIR_CRED_ECHOPROMPT,
        ConnectAuth.CredentialType.VIR_CRED_PASSPHRASE,
        ConnectAuth.CredentialType.VIR_CRED_NOECHOPROMPT};
    return auth;
  }

  @Override
  public void close() {
    for (Pending p : live.values()) {
      if (p.future().isDone() && !p.future().isCompletedExceptionally()) {
        closeQuietly(p.future().join());
      }
    }
    live.clear();
    connector.shutdownNow();
    Path dir = keyDir;
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.warn("could not remove the SSH key directory {}", dir);
      }
    }
  }

  private static void closeQuietly(Hypervisor h) {
    try {
      h.connect().close();
    } catch (LibvirtException e) {
      log.debug("closing {}: {}", h.uri(), LibvirtErrors.text(e));
    }
  }
}
