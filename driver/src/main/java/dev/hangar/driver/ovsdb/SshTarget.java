package dev.hangar.driver.ovsdb;

/**
 * An SSH login on a hypervisor host. {@code privateKey} (PEM/OpenSSH text) and {@code password}
 * are secrets: never in {@link #toString()} or messages. Host keys are not pinned (the platform
 * gives no known_hosts); use a key where that matters.
 */
public record SshTarget(String host, int port, String user, String privateKey, String password) {
  public SshTarget {
    privateKey = privateKey == null ? "" : privateKey;
    password = password == null ? "" : password;
  }

  public String describe() {
    return user + "@" + host + (port == 22 ? "" : ":" + port);
  }

  @Override
  public String toString() {
    return "SshTarget[" + describe() + "]";
  }
}
