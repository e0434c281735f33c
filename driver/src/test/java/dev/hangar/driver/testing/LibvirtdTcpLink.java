package dev.hangar.driver.testing;

import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The network path from the test's (root) namespace to a {@link RealLibvirtd} started with
 * {@code listenTcp}: a veth pair, {@code 10.253.N.1/30} on the root side and {@code 10.253.N.2/30}
 * inside the daemon's namespace, so the driver reaches libvirtd at {@link #uri()}
 * ({@code qemu+tcp://10.253.N.2:16509/system}) as it would a remote hypervisor.
 *
 * <p>{@link #partition()} sets the root side down: the daemon keeps running, but nothing the
 * driver sends arrives and no answer comes back (an open connection hears nothing, as on a real
 * partition; only libvirt's keepalive can tell). {@link #heal()} sets it up again.
 *
 * <p>{@link #close()} deletes the pair (deleting the root side deletes its peer); closing the
 * daemon's namespace first removes it too.
 */
public final class LibvirtdTcpLink implements AutoCloseable {
  private static final Duration IP = Duration.ofSeconds(10);

  private final String rootSide;
  private final String address;

  private LibvirtdTcpLink(String rootSide, String address) {
    this.rootSide = rootSide;
    this.address = address;
  }

  /** Connects the root namespace to {@code libvirtd}'s over a new veth pair. */
  public static LibvirtdTcpLink open(RealLibvirtd libvirtd) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int n = ThreadLocalRandom.current().nextInt(1, 255);
      String prefix = "10.253." + n + ".";
      // Another test's pair may hold this subnet; pick another rather than share it.
      if (ip("-o", "addr", "show").stdout().contains(" " + prefix)) {
        continue;
      }
      String tag = ProcessHandle.current().pid() % 100000 + "x" + n;
      String rootSide = "hglta" + tag;
      String nsSide = "hgltb" + tag;
      ExecResult made = ip("link", "add", rootSide, "type", "veth", "peer", "name", nsSide);
      if (!made.ok()) {
        last = new IOException("ip link add " + rootSide + " failed: " + made);
        continue;
      }
      LibvirtdTcpLink link = new LibvirtdTcpLink(rootSide, prefix + "2");
      try {
        check(ip("link", "set", nsSide, "netns", libvirtd.netns()));
        check(ip("addr", "add", prefix + "1/30", "dev", rootSide));
        check(ip("link", "set", rootSide, "up"));
        check(ip("-n", libvirtd.netns(), "addr", "add", prefix + "2/30", "dev", nsSide));
        check(ip("-n", libvirtd.netns(), "link", "set", nsSide, "up"));
        return link;
      } catch (IOException | RuntimeException e) {
        link.close();
        throw e;
      }
    }
    throw last != null ? last : new IOException("no free 10.253.N.0/30 subnet in 5 tries");
  }

  /** {@code qemu+tcp://ADDRESS:16509/system}: libvirtd through this link. */
  public String uri() {
    return "qemu+tcp://" + address + ":" + RealLibvirtd.TCP_PORT + "/system";
  }

  /** The daemon's address on the link. */
  public String address() {
    return address;
  }

  /** Cuts the link: the root side goes down, every packet across it is lost. */
  public void partition() throws IOException {
    check(ip("link", "set", rootSide, "down"));
  }

  /** Restores the link. */
  public void heal() throws IOException {
    check(ip("link", "set", rootSide, "up"));
  }

  @Override
  public void close() {
    try {
      ip("link", "del", rootSide);
    } catch (IOException e) {
      // gone with the daemon's namespace already
    }
  }

  private static ExecResult ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    return RealLibvirtd.run(IP, cmd);
  }

  private static void check(ExecResult r) throws IOException {
    if (!r.ok()) {
      throw new IOException("ip failed: " + r);
    }
  }
}
