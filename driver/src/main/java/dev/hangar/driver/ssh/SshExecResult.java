package dev.hangar.driver.ssh;

/** What a remote command left: its exit status (-1 when the server sent none) and its output. */
public record SshExecResult(int exitStatus, String stdout, String stderr) {
  public boolean succeeded() {
    return exitStatus == 0;
  }
}
