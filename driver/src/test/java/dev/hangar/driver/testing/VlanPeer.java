package dev.hangar.driver.testing;

import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A peer on one VLAN of a hypervisor's Open vSwitch bridge: an OVS internal port with an access
 * tag in the hypervisor's namespace, holding {@code PREFIX.1/24}, and a DHCP server (dnsmasq,
 * on that port only) that gives one guest MAC the fixed address {@code PREFIX.50}. A bin/guest-image
 * guest DHCPs every NIC, so its vNIC on that VLAN takes the address once frames pass; pings and
 * HTTP from here then reach it through the bridge on that VLAN only (the namespace routes the
 * subnet through the port alone).
 *
 * <p>{@link #retag} moves the peer to another VLAN (waiting until vswitchd applied it), which
 * must cut it off from the guest. {@link #close()} stops dnsmasq by its pid and deletes the port
 * and the temp dir.
 */
public final class VlanPeer implements AutoCloseable {
  private static final String DNSMASQ = "/usr/sbin/dnsmasq";
  private static final Duration EXEC = Duration.ofSeconds(15);

  private final RealLibvirtd host;
  private final NamespacedOvs ovs;
  private final String port;
  private final String prefix;
  private final Path dir;
  private Process dnsmasq;

  private VlanPeer(RealLibvirtd host, NamespacedOvs ovs, String port, String prefix, Path dir) {
    this.host = host;
    this.ovs = ovs;
    this.port = port;
    this.prefix = prefix;
    this.dir = dir;
  }

  /**
   * Adds port {@code port} (at most 15 characters) with {@code tag} to {@code ovs}'s bridge,
   * gives it {@code prefix + "1/24"} ({@code prefix} like {@code "10.77.10."}) and serves DHCP
   * there, {@code guestMac} getting {@link #guestAddress()}.
   */
  public static VlanPeer start(RealLibvirtd host, NamespacedOvs ovs, String port, int tag,
      String prefix, String guestMac) throws IOException {
    VlanPeer peer = new VlanPeer(host, ovs, port, prefix,
        Files.createTempDirectory("hangar-vlanpeer-"));
    try {
      ovs.vsctl("add-port", ovs.bridge(), port, "tag=" + tag, "--", "set", "interface", port,
          "type=internal");
      check(host.exec(EXEC, "ip", "addr", "add", prefix + "1/24", "dev", port));
      check(host.exec(EXEC, "ip", "link", "set", port, "up"));
      peer.dnsmasq = host.processBuilder(DNSMASQ, "--keep-in-foreground", "--conf-file=/dev/null",
          "--port=0", "--user=root", "--interface=" + port, "--bind-interfaces",
          "--except-interface=lo", "--dhcp-range=" + prefix + "0,static,255.255.255.0",
          "--dhcp-host=" + guestMac + "," + peer.guestAddress(),
          // No router and no DNS server: the guest's default route stays on its management NIC.
          "--dhcp-option=3", "--dhcp-option=6",
          "--dhcp-leasefile=" + peer.dir.resolve("leases"),
          "--pid-file=" + peer.dir.resolve("dnsmasq.pid"), "--log-dhcp")
          .redirectErrorStream(true).redirectOutput(peer.dir.resolve("dnsmasq.log").toFile())
          .start();
      peer.dnsmasq.getOutputStream().close();
      Thread.sleep(200);
      if (!peer.dnsmasq.isAlive()) {
        throw new IOException("dnsmasq for " + port + " exited: " + peer.log());
      }
      return peer;
    } catch (IOException | RuntimeException e) {
      peer.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      peer.close();
      throw new IOException("interrupted while starting the VLAN peer", e);
    }
  }

  /** The peer's own address, {@code PREFIX.1}. */
  public String address() {
    return prefix + "1";
  }

  /** The address the guest's MAC gets on this VLAN, {@code PREFIX.50}. */
  public String guestAddress() {
    return prefix + "50";
  }

  /** The guest's httpd asked from the peer, at {@link #guestAddress()}. */
  public GuestHttp http(String label) {
    return new GuestHttp(host, guestAddress(), label);
  }

  /** Moves the peer's port to VLAN {@code tag}; returns once vswitchd's datapath follows. */
  public void retag(int tag) throws IOException {
    ovs.vsctl("set", "port", port, "tag=" + tag);
    ovs.awaitApplied();
  }

  /** One ping from the peer, one second for the reply. */
  public boolean ping(String ip) throws IOException {
    return host.exec(EXEC, "/bin/busybox", "ping", "-c", "1", "-W", "1", ip).ok();
  }

  /** Pings {@code ip} until it answers; false after {@code timeout}. */
  public boolean awaitPing(String ip, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ping(ip)) {
        return true;
      }
    }
    return false;
  }

  /** dnsmasq's output (its DHCP exchanges), for failure messages. */
  public String log() {
    return RealLibvirtd.tail(dir.resolve("dnsmasq.log"), 30);
  }

  @Override
  public void close() {
    if (dnsmasq != null) {
      dnsmasq.destroy();
      try {
        if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
          dnsmasq.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        dnsmasq.destroyForcibly();
      }
    }
    try {
      ovs.vsctl("--if-exists", "del-port", ovs.bridge(), port);
    } catch (IOException e) {
      // the switch is stopped with its host
    }
    LocalProcesses.deleteTree(dir);
  }

  private static void check(ExecResult r) throws IOException {
    if (!r.ok()) {
      throw new IOException("VLAN peer setup failed: " + r);
    }
  }
}
