package dev.hangar.driver.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UIKeyboardInteractive;
import com.jcraft.jsch.UserInfo;
import dev.hangar.driver.ovsdb.SshTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opens one jsch session for a target; the only place that touches its key and password. */
final class Logins {
  private Logins() {
  }

  static Session connect(SshTarget target, Duration timeout, Duration aliveInterval,
      int aliveCountMax) {
    // A JSch per login: identities are per JSch instance, and one host's key must not be
    // offered to another.
    JSch jsch = new JSch();
    List<String> methods = new ArrayList<>();
    try {
      if (!target.privateKey().isBlank()) {
        jsch.addIdentity("hangar:" + target.describe(),
            target.privateKey().getBytes(StandardCharsets.UTF_8), null, null);
        methods.add("publickey");
      }
      if (!target.password().isEmpty()) {
        methods.add("keyboard-interactive");
        methods.add("password");
      }
    } catch (JSchException e) {
      // jsch's message says what is wrong with the key's format, not what the key is.
      throw new SshException("the private key for " + target.describe() + " cannot be used: "
          + e.getMessage(), false, null);
    }
    if (methods.isEmpty()) {
      throw new SshException("no private key or password given for " + target.describe(), false,
          null);
    }
    Session session = null;
    try {
      session = jsch.getSession(target.user(), target.host(), target.port());
      if (!target.password().isEmpty()) {
        session.setPassword(target.password().getBytes(StandardCharsets.UTF_8));
        session.setUserInfo(new PasswordOnly(target.password()));
      }
      // The platform gives no known_hosts to pin host keys against (see SshTarget).
      session.setConfig("StrictHostKeyChecking", "no");
      session.setConfig("PreferredAuthentications", String.join(",", methods));
      // Keepalives make a partition end the session (and its tunnels) instead of leaving it
      // silently open.
      session.setServerAliveInterval(millis(aliveInterval));
      session.setServerAliveCountMax(aliveCountMax);
      session.setDaemonThread(true);
      session.connect(millis(timeout));
      return session;
    } catch (JSchException e) {
      if (session != null) {
        session.disconnect();
      }
      throw failure("SSH login to " + target.describe() + " failed", e);
    }
  }

  /** Classifies a jsch failure: a refused login is final, anything else is worth a retry. */
  static SshException failure(String what, JSchException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    boolean refusedLogin = msg.contains("Auth fail") || msg.contains("Auth cancel");
    // "java.net.ConnectException: Connection refused" reads better as "Connection refused".
    String why = e.getCause() instanceof IOException io && io.getMessage() != null
        ? io.getMessage() : msg;
    return new SshException(what + ": " + why, !refusedLogin, e);
  }

  static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  /** Answers password and keyboard-interactive prompts with the password, never prints it. */
  private record PasswordOnly(String password) implements UserInfo, UIKeyboardInteractive {
    @Override
    public String getPassphrase() {
      return null;
    }

    @Override
    public String getPassword() {
      return password;
    }

    @Override
    public boolean promptPassword(String message) {
      return true;
    }

    @Override
    public boolean promptPassphrase(String message) {
      return false;
    }

    @Override
    public boolean promptYesNo(String message) {
      return false;
    }

    @Override
    public void showMessage(String message) {
    }

    @Override
    public String[] promptKeyboardInteractive(String destination, String name, String instruction,
        String[] prompt, boolean[] echo) {
      String[] answers = new String[prompt.length];
      java.util.Arrays.fill(answers, password);
      return answers;
    }

    @Override
    public String toString() {
      return "PasswordOnly[***]";
    }
  }
}
