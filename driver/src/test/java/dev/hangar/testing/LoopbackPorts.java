package dev.hangar.testing;

import dev.hangar.driver.embedded.LocalProcesses;

/** Checks on loopback ports that tests close. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * Whether a socket of this process listens on the port. Another process that took the port
   * after it was freed does not count, nor does a connect that landed on itself: a check that
   * our listener closed cannot fail by chance.
   */
  public static boolean listensHere(int port) {
    return LocalProcesses.listens(ProcessHandle.current().pid(), port);
  }
}
