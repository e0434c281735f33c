package dev.hangar.driver.testing;

import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.ovsdb.SshTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code /usr/sbin/sshd} on a free loopback port, with its own config, host key and one
 * authorized client key pair in a private temp dir. It runs in the foreground ({@code -D -e}) as a
 * child process, so {@link #close()} stops exactly it (and the session processes it forked), by
 * pid, and removes its directory.
 *
 * <p>The login user is the one running the tests (root here). Sessions get {@code HOME} set to an
 * empty directory, because root's {@code ~/.bashrc} on these machines runs {@code pyenv init}
 * (200 ms per command). {@link #startWithPassword} also accepts a password: sshd then runs in a
 * private mount namespace where a copy of {@code /etc/shadow} with that password is mounted over
 * the real one, so the machine's accounts are never touched (needs root and {@code unshare}).
 */
public final class PrivateSshd implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Path KEYGEN = Path.of("/usr/bin/ssh-keygen");

  /** The client key's type. */
  public enum KeyType {
    /** OpenSSH's own key format ({@code BEGIN OPENSSH PRIVATE KEY}). */
    ED25519("-t", "ed25519"),
    /** A classic PEM key ({@code BEGIN RSA PRIVATE KEY}), as many admins still paste. */
    RSA_PEM("-t", "rsa", "-b", "2048", "-m", "PEM");

    private final List<String> args;

    KeyType(String... args) {
      this.args = List.of(args);
    }
  }

  private final Path dir;
  private final Process process;
  private final int port;
  private final String user;
  private final String privateKey;
  private final String password;

  private PrivateSshd(Path dir, Process process, int port, String user, String privateKey,
      String password) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.user = user;
    this.privateKey = privateKey;
    this.password = password;
  }

  /** True when sshd and ssh-keygen are installed (Debian: openssh-server). */
  public static boolean available() {
    return Files.isExecutable(SSHD) && Files.isExecutable(KEYGEN);
  }

  /** Key-only login with an ed25519 key. */
  public static PrivateSshd start() throws IOException {
    return start(KeyType.ED25519, null);
  }

  /** Key or password login (either works alone). */
  public static PrivateSshd startWithPassword(String password) throws IOException {
    return start(KeyType.ED25519, password);
  }

  /**
   * @param password null for key-only; else password login is enabled too
   */
  public static PrivateSshd start(KeyType keyType, String password) throws IOException {
    if (!available()) {
      throw new IOException("OpenSSH server is not installed (" + SSHD + ", " + KEYGEN
          + "); on Debian: apt-get install openssh-server");
    }
    Path dir = Files.createTempDirectory("hangar-sshd-");
    Process p = null;
    try {
      Files.createDirectories(dir.resolve("home"));
      // sshd's privilege separation directory; sshd refuses to start without it.
      Files.createDirectories(Path.of("/run/sshd"));
      LocalProcesses.run(new ProcessBuilder(KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "",
          "-C", "hangar-test-host", "-f", dir.resolve("host_ed25519").toString()));
      List<String> keygen = new ArrayList<>(List.of(KEYGEN.toString(), "-q", "-N", "", "-C",
          "hangar-test-client", "-f", dir.resolve("client_key").toString()));
      keygen.addAll(keyType.args);
      LocalProcesses.run(new ProcessBuilder(keygen));
      Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
      String user = System.getProperty("user.name");
      int port = LocalProcesses.freeLoopbackPort();
      Path config = dir.resolve("sshd_config");
      Files.writeString(config, config(dir, port, password != null));
      List<String> cmd = new ArrayList<>();
      if (password != null) {
        Path shadow = shadowWith(dir, user, password);
        // Private mount namespace: the copy is visible to this sshd only.
        cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh",
            "-c", "mount --bind \"$1\" /etc/shadow && shift && exec \"$@\"", "sh",
            shadow.toString()));
      }
      cmd.addAll(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()));
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("sshd.log").toFile()).start();
      awaitListening(p, port, dir.resolve("sshd.log"), Duration.ofSeconds(10));
      String key = Files.readString(dir.resolve("client_key"));
      return new PrivateSshd(dir, p, port, user, key, password);
    } catch (IOException | RuntimeException e) {
      if (p != null) {
        stop(p);
      }
      LocalProcesses.deleteTree(dir);
      throw e;
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  /** The client's private key, as text (PEM or OpenSSH armor). */
  public String privateKeyPem() {
    return privateKey;
  }

  /** The client's private key file (mode 600), for command-line clients. */
  public Path keyFile() {
    return dir.resolve("client_key");
  }

  /** The password, or null when only keys are accepted. */
  public String password() {
    return password;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A login with the key. */
  public SshTarget target() {
    return new SshTarget(host(), port, user, privateKey, null);
  }

  /** A login with the password only (needs {@link #startWithPassword}). */
  public SshTarget passwordTarget() {
    if (password == null) {
      throw new IllegalStateException("this sshd accepts keys only");
    }
    return new SshTarget(host(), port, user, null, password);
  }

  /** sshd's own log (-e), for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops sshd and every session process it forked, then removes its directory. */
  @Override
  public void close() {
    stop(process);
    LocalProcesses.deleteTree(dir);
  }

  private static String config(Path dir, int port, boolean passwords) {
    return String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_ed25519"),
        "PidFile none",
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "StrictModes no",
        "PermitRootLogin yes",
        "PubkeyAuthentication yes",
        "PasswordAuthentication " + (passwords ? "yes" : "no"),
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "AllowTcpForwarding yes",
        "AllowStreamLocalForwarding yes",
        "SetEnv HOME=" + dir.resolve("home"),
        "LogLevel VERBOSE",
        "");
  }

  /** A copy of /etc/shadow in which {@code user}'s password is {@code password}. */
  private static Path shadowWith(Path dir, String user, String password) throws IOException {
    String salt = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    // perl-base is Essential on Debian; its crypt() is libc's, which knows SHA-512 ($6$).
    String hash = LocalProcesses.run(new ProcessBuilder("perl", "-e",
        "print crypt($ARGV[0], '$6$' . $ARGV[1] . '$')", password, salt)).strip();
    List<String> out = new ArrayList<>();
    boolean found = false;
    for (String line : Files.readAllLines(Path.of("/etc/shadow"))) {
      String[] f = line.split(":", -1);
      if (f.length > 1 && f[0].equals(user)) {
        f[1] = hash;
        line = String.join(":", f);
        found = true;
      }
      out.add(line);
    }
    if (!found) {
      throw new IOException("no /etc/shadow entry for " + user);
    }
    Path shadow = dir.resolve("shadow");
    Files.createFile(shadow, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.write(shadow, out);
    return shadow;
  }

  private static void awaitListening(Process p, int port, Path log, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IOException("sshd exited with " + p.exitValue() + ": "
            + Files.readString(log).strip());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("sshd did not listen on port " + port + " within " + timeout
              + ": " + Files.readString(log).strip());
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting sshd", e);
      }
    }
  }

  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
