package dev.hangar.driver.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.hangar.driver.ovsdb.SshTarget;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One command on an exec channel, bounded by a deadline. */
final class RemoteCommand {
  /** Output past this is dropped: a runaway command must not fill the heap. */
  private static final int MAX_OUTPUT = 16 << 20;

  private RemoteCommand() {
  }

  static SshExecResult run(Session session, SshTarget target, String command, long deadline) {
    Capped out = new Capped();
    Capped err = new Capped();
    ChannelExec ch = null;
    try {
      ch = (ChannelExec) session.openChannel("exec");
      if (ch == null) {
        // jsch answers null when the channel could not be set up, e.g. on a session that died
        // under it: drop the session, so the next command logs in again.
        session.disconnect();
        throw new SshException("the SSH session to " + target.describe() + " ended", true, null);
      }
      ch.setCommand(command);
      ch.setInputStream(null);
      ch.setOutputStream(out);
      ch.setErrStream(err);
      ch.connect(Logins.millis(SshSessions.remaining(deadline)));
      while (!ch.isClosed()) {
        if (System.nanoTime() - deadline > 0) {
          throw new SshException("a command on " + target.describe() + " did not finish in time",
              true, null);
        }
        if (!session.isConnected()) {
          throw new SshException("the SSH session to " + target.describe()
              + " ended while a command ran", true, null);
        }
        Thread.sleep(5);
      }
      return new SshExecResult(ch.getExitStatus(), out.text(), err.text());
    } catch (JSchException e) {
      throw Logins.failure("cannot run a command on " + target.describe(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SshException("interrupted while a command ran on " + target.describe(), true, e);
    } finally {
      if (ch != null) {
        ch.disconnect();
      }
    }
  }

  /** Collects up to {@link #MAX_OUTPUT} bytes; jsch writes from its session thread. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (buf.size() < MAX_OUTPUT) {
        buf.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      buf.write(b, off, Math.max(0, Math.min(len, MAX_OUTPUT - buf.size())));
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
