package dev.hangar.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** Checks on loopback ports that tests close. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * Whether something listens on the loopback port. A connect to a free port in the ephemeral
   * range can, rarely, be given that same port as its own and connect to itself (TCP
   * simultaneous open): that is no listener.
   */
  public static boolean listens(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.getLocalPort() != port;
    } catch (IOException e) {
      return false;
    }
  }
}
